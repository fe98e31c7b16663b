import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from "node:os";

/** What a benchmark ran on, for the header of its results. */
export interface Machine {
  /** `process.version`, e.g. `v20.20.2`. */
  readonly node: string;
  /** The CPU's model name as the kernel reports it. */
  readonly cpu: string;
  /** Cores this process may run on. */
  readonly cores: number;
  /** Total memory in GiB. */
  readonly memoryGiB: number;
  /** Operating system and kernel release. */
  readonly os: string;
}

/**
 * Describes this machine. The CPU model comes from /proc/cpuinfo where there is one (os.cpus()
 * may report an empty model inside some containers), else from os.cpus().
 */
export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const field = (name: string): string | undefined =>
      new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(info)?.[1]?.trim();
    const family = field("cpu family");
    const model = field("model");
    // Virtual machines often report a bare "AMD EPYC"; family and model then tell the generation.
    cpu = `${field("model name") ?? cpu}${family && model ? ` (family ${family}, model ${model})` : ""}`;
  } catch {
    // Not Linux: os.cpus() is the best there is.
  }
  return {
    node: process.version,
    cpu,
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
  };
}

/**
 * The 1, 5 and 15 minute load averages, e.g. `1.2 / 0.9 / 0.8`. On a shared machine they tell how
 * much else was running: above the core count, every figure of a run is suspect.
 */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

/** The header line of a results table: date, Node, CPU, cores, memory and OS. */
export function machineLine(machine: Machine = describeMachine()): string {
  return (
    `${new Date().toISOString().slice(0, 10)}, Node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, ` +
    `${machine.memoryGiB} GiB, ${machine.os}`
  );
}
