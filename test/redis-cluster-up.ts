/**
 * Vitest's global setup: makes sure the local three-master Redis Cluster the cluster tests use
 * (127.0.0.1:7000-7002) is up, by running `scripts/redis-cluster.sh`, which leaves a healthy
 * cluster alone and starts or restarts its nodes otherwise. So `npm test` needs only Redis's
 * `redis-server` and `redis-cli` on the machine, not a cluster started by hand. When the script
 * fails, the run fails: a missing cluster is never a skip.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function redisClusterUp(): void {
  try {
    execFileSync("bash", ["scripts/redis-cluster.sh"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: "pipe",
      encoding: "utf8",
    });
  } catch (err) {
    const { stdout = "", stderr = "" } = err as { stdout?: string; stderr?: string };
    throw new Error(`scripts/redis-cluster.sh failed:\n${stdout}${stderr}`);
  }
}
