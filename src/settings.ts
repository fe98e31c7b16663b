import { type Command, Option } from "commander";
import { ConfigurationError } from "./core/errors.js";
import { parseReference } from "./transforms/transform-reference.js";

/**
 * How a setting's text (an environment variable or a flag's value) becomes its value.
 * `parse` throws a ConfigurationError naming `source` (`PORT`, `--port`) when the text does not fit.
 */
export interface SettingType<T> {
  /** What the flag takes, shown in `--help` (`<n>`); none for an on/off switch (`--[no-]flag`). */
  readonly placeholder?: string;
  /** The only values it takes, listed in `--help`. */
  readonly choices?: readonly string[];
  /** An empty variable counts as set (and goes to `parse`) rather than as unset. */
  readonly emptyIsSet?: boolean;
  parse(raw: string, source: string): T;
}

/**
 * A setting's value when neither its variable nor its flag is given: a fixed value, one that
 * differs under `NODE_ENV=production`, or the value another setting ended up with. Plain data,
 * so `--help` shows exactly the default the code applies.
 */
export type SettingDefault<T, K extends string = string> =
  | { readonly value: T }
  | { readonly development: T; readonly production: T }
  | { readonly sameAs: K };

/** One setting: its environment variable, its type, its default and its help line. */
export interface Setting<T, K extends string = string> {
  /** The environment variable that sets it. */
  readonly env: string;
  readonly type: SettingType<T>;
  readonly default: SettingDefault<T, K>;
  /** What it is for, in a few words; `--help` adds the default and the variable. */
  readonly help: string;
}

/**
 * Settings as data: one {@link Setting} per key of `C`, the shape they are read into. The flag
 * of each is its key in kebab case (`storeUrl` is `--store-url`), so the key commander reads
 * a flag into is the key the setting has here. Declaration order is the order of `--help`.
 */
export type Settings<C> = { readonly [K in keyof C & string]: Setting<C[K], keyof C & string> };

/** What {@link readSettings} found: every value, and which ones were given rather than defaulted. */
export interface ReadSettings<C> {
  readonly values: C;
  readonly given: ReadonlySet<keyof C & string>;
}

/** The flag of a setting key: `maxBodyBytes` is `max-body-bytes`. */
function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The environment variable conventionally named for a key: `maxBodyBytes` is `FEATURESTORE_MAX_BODY_BYTES`. */
export function envOf(key: string): string {
  return `FEATURESTORE_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** An integer from `min` to `max`, written in decimal digits only. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): SettingType<number> {
  return {
    placeholder: "<n>",
    parse(raw, source) {
      const text = raw.trim();
      const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        throw new ConfigurationError(
          `${source} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`,
        );
      }
      return value;
    },
  };
}

/**
 * A count of processes: an integer from 1, or `auto` for what `auto()` says (the cores this
 * process may use, for the server's workers).
 */
export function countOrAuto(auto: () => number): SettingType<number> {
  const count = integer(1);
  return {
    placeholder: "<n|auto>",
    parse(raw, source) {
      if (raw.trim() === "auto") return auto();
      try {
        return count.parse(raw, source);
      } catch {
        throw new ConfigurationError(
          `${source} must be auto or an integer from 1, not ${JSON.stringify(raw)}`,
        );
      }
    },
  };
}

/** Any text, taken as written. */
export function text(placeholder: string): SettingType<string> {
  return { placeholder, parse: (raw) => raw };
}

/** One of a fixed list of words. */
export function oneOf<const T extends string>(placeholder: string, values: readonly T[]): SettingType<T> {
  return {
    placeholder,
    choices: values,
    parse(raw, source) {
      const value = values.find((v) => v === raw.trim());
      if (value === undefined) {
        throw new ConfigurationError(
          `${source} must be one of ${values.join(", ")}, not ${JSON.stringify(raw)}`,
        );
      }
      return value;
    },
  };
}

/** A comma-separated list; blanks around and between the items are dropped. */
export const list: SettingType<string[]> = {
  placeholder: "<a,b>",
  parse: (raw) =>
    raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
};

/** On or off: `--flag` / `--no-flag`, or the variable as true/false, 1/0, yes/no, on/off. */
export const onOff: SettingType<boolean> = {
  parse(raw, source) {
    const normal = raw.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(normal)) return true;
    if (["0", "false", "no", "off"].includes(normal)) return false;
    throw new ConfigurationError(`${source} must be true or false, not ${JSON.stringify(raw)}`);
  },
};

/**
 * A secret token, trimmed. Set but empty, it would leave the API open while looking guarded
 * (a deployment template that forgot to fill it in), so it is refused rather than ignored; an
 * empty variable is read as set, unlike for the other types.
 */
export const secret: SettingType<string | undefined> = {
  placeholder: "<token>",
  emptyIsSet: true,
  parse(raw, source) {
    const token = raw.trim();
    if (token.length === 0) {
      throw new ConfigurationError(
        `${source} is set but empty: give a token, or unset it to leave the API open`,
      );
    }
    if (/\s/.test(token)) throw new ConfigurationError(`${source} must not contain whitespace`);
    return token;
  },
};

/** A stored transform's reference, `name@version` or `name`, checked like a read checks it. */
export const transformReference: SettingType<string | undefined> = {
  placeholder: "<ref>",
  parse(raw, source) {
    const reference = raw.trim();
    try {
      parseReference(reference);
    } catch (err) {
      throw new ConfigurationError(`${source}: ${(err as Error).message}`);
    }
    return reference;
  },
};

function shown(value: unknown): string {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return "none";
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** The default as `--help` states it. */
function describeDefault(setting: Setting<unknown>): string {
  const d = setting.default;
  if ("sameAs" in d) return `same as --${flagOf(d.sameAs)}`;
  if ("production" in d) return `${shown(d.development)}; ${shown(d.production)} when NODE_ENV=production`;
  return shown(d.value);
}

/**
 * Adds one option per setting to `command`: `--flag <value>` parsed by the setting's type, or
 * `--flag` and `--no-flag` for a switch (shown once, as `--[no-]flag`). Each option's help line
 * is the setting's help with its default and variable, so `--help` cannot disagree with them.
 */
export function addSettingOptions<C>(command: Command, settings: Settings<C>): Command {
  const switches = new Set<Option>();
  for (const [key, setting] of Object.entries(settings) as [string, Setting<unknown>][]) {
    const flag = flagOf(key);
    const { placeholder, choices } = setting.type;
    const details = [
      ...(choices ? [`one of: ${choices.join(", ")}`] : []),
      `default: ${describeDefault(setting)}`,
      `env: ${setting.env}`,
    ];
    const help = `${setting.help} (${details.join("; ")})`;
    if (placeholder === undefined) {
      const on = new Option(`--${flag}`, help);
      switches.add(on);
      command.addOption(on);
      command.addOption(new Option(`--no-${flag}`).hideHelp());
    } else {
      command.addOption(
        new Option(`--${flag} ${placeholder}`, help).argParser((raw) => setting.type.parse(raw, `--${flag}`)),
      );
    }
  }
  const inherited = command.configureHelp();
  return command.configureHelp({
    ...inherited,
    optionTerm: (option) => (switches.has(option) ? `--[no-]${option.long?.slice(2)}` : option.flags),
  });
}

/**
 * Reads the settings: a flag (already parsed, as commander hands them over) wins over the
 * environment variable, which wins over the default. An empty variable counts as unset,
 * except for a secret. `NODE_ENV=production` picks the production defaults.
 * @throws ConfigurationError for a variable that does not parse.
 */
export function readSettings<C>(
  settings: Settings<C>,
  env: NodeJS.ProcessEnv,
  flags: Readonly<Record<string, unknown>>,
): ReadSettings<C> {
  const production = env.NODE_ENV === "production";
  const values: Record<string, unknown> = {};
  const given = new Set<keyof C & string>();
  const entries = Object.entries(settings) as [keyof C & string, Setting<unknown, keyof C & string>][];
  for (const [key, setting] of entries) {
    const raw = env[setting.env];
    const fromEnv =
      raw !== undefined && (raw !== "" || setting.type.emptyIsSet === true)
        ? setting.type.parse(raw, setting.env)
        : undefined;
    const value = flags[key] ?? fromEnv;
    if (value !== undefined) {
      values[key] = value;
      given.add(key);
    }
  }
  for (const [key, setting] of entries) {
    if (given.has(key)) continue;
    const d = setting.default;
    if ("value" in d) values[key] = d.value;
    else if ("production" in d) values[key] = production ? d.production : d.development;
  }
  for (const [key, setting] of entries) {
    const d = setting.default;
    if (!given.has(key) && "sameAs" in d) values[key] = values[d.sameAs];
  }
  return { values: values as C, given };
}
