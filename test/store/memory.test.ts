import { InMemoryFeatureStore } from "../../src/index.js";
import { describeConformance } from "./conformance.js";

describeConformance({ name: "memory", create: () => new InMemoryFeatureStore().open() });
