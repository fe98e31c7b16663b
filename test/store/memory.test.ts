import { MemoryBackend } from "../../src/index.js";
import { describeConformance } from "../../src/testing.js";

describeConformance({ name: "memory", create: () => new MemoryBackend() });
