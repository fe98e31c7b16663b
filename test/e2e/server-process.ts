import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The repository root, where `src/cli/main.ts` lives. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A log line of the server (pino JSON). */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** The `featurestore` command from source: the same program the package's bin runs. */
function cliCommand(args: readonly string[]): string[] {
  return [process.execPath, "--import", "tsx", "src/cli/main.ts", ...args];
}

/** The CLI running in a child process (by default from source; see {@link ServerProcess.startNpm}). */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  stdout = "";
  private readonly waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  private buffered = "";

  private constructor(command: readonly string[], env: Record<string, string>, cwd = ROOT) {
    const [file = "", ...args] = command;
    this.child = spawn(file, args, {
      cwd,
      env: { ...process.env, FEATURESTORE_LOG_LEVEL: "info", NODE_ENV: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => this.onStderr(chunk));
  }

  /** Starts the CLI with flags and environment; resolves once it logged "listening" (or exited). */
  static start(
    args: string[],
    env: Record<string, string>,
  ): Promise<ServerProcess & { url: string; pid: number }> {
    return ServerProcess.listening(new ServerProcess(cliCommand(args), env));
  }

  /**
   * Runs `npm start` (which builds, then runs the compiled command) with the environment;
   * resolves once the server logged "listening". `pid` is the server's own process, which
   * `child` (npm) is not.
   */
  static startNpm(env: Record<string, string>): Promise<ServerProcess & { url: string; pid: number }> {
    return ServerProcess.listening(new ServerProcess(["npm", "start"], env));
  }

  /** Starts any command that runs the server (an installed `featurestore`), in `cwd`. */
  static startCommand(
    command: readonly string[],
    env: Record<string, string>,
    cwd: string,
  ): Promise<ServerProcess & { url: string; pid: number }> {
    return ServerProcess.listening(new ServerProcess(command, env, cwd));
  }

  private static async listening(
    server: ServerProcess,
  ): Promise<ServerProcess & { url: string; pid: number }> {
    const listening = await Promise.race([
      server.waitFor((line) => line.msg === "listening"),
      once(server.child, "exit").then(() => undefined),
    ]);
    if (!listening) throw new Error(`the server exited before listening:\n${server.log()}`);
    return Object.assign(server, { url: String(listening.url), pid: Number(listening.pid) });
  }

  /** Runs the CLI to completion (for `--help` and bad flags). */
  static async runToExit(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
    const server = new ServerProcess(cliCommand(args), env);
    await server.exited();
    return server;
  }

  /** The next log line matching, including one already seen. */
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Resolves with the exit code once the process ended. */
  async exited(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const [code] = (await once(this.child, "exit")) as [number | null];
    return code;
  }

  /** Everything the server logged, for failure messages. */
  log(): string {
    return this.lines.map((l) => JSON.stringify(l)).join("\n") + this.buffered;
  }

  /** Kills the process if it is still running (test cleanup). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  private onStderr(chunk: string): void {
    this.buffered += chunk;
    let newline = this.buffered.indexOf("\n");
    while (newline >= 0) {
      const text = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      newline = this.buffered.indexOf("\n");
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { level: 0, msg: text };
      }
      this.lines.push(line);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(line)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  }
}
