import type { BackendDescriptor } from "../backend-descriptor.js";
import { MemoryBackend } from "./memory-backend.js";

/** In process memory, for `memory://`: nothing persisted, changes stay in process. */
export const memoryDescriptor: BackendDescriptor = {
  name: "memory",
  schemes: ["memory"],
  inProcess: true,
  async open() {
    return new MemoryBackend();
  },
};
