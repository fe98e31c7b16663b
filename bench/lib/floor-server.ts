/**
 * The framework floor of the HTTP benchmark: a minimal graphql-yoga server answering the same
 * `vector` / `vectors` queries with the same values as the seeded store, from a plain `Map`,
 * batched through a DataLoader per request as the real server batches. No store, no validation
 * beyond GraphQL's own, no limits, no plugins: what is left is yoga, graphql-js, DataLoader and
 * Node's HTTP, the part of a request no store can make cheaper.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import DataLoader from "dataloader";
import { GraphQLScalarType } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import { answerControl, failed, tell } from "./child-control.js";
import { entityId, FEATURES, NEVER_WRITTEN, recordFor } from "./dataset.js";

type Values = Record<string, unknown>;

/**
 * Entity id -> feature name -> value: the seed's records (the same deterministic stream, in the
 * same order) and the definitions' defaults for the features the seed leaves unwritten.
 */
function seededValues(count: number): Map<string, Map<string, unknown>> {
  const byEntity = new Map<string, Map<string, unknown>>();
  for (let i = 0; i < count; i++) {
    const record = recordFor(entityId(i), NEVER_WRITTEN);
    const values = new Map<string, unknown>();
    for (const def of FEATURES) values.set(def.name, record[def.name] ?? def.defaultValue);
    byEntity.set(entityId(i), values);
  }
  return byEntity;
}

const JSON_SCALAR = new GraphQLScalarType({
  name: "JSON",
  serialize: (value) => value,
  parseValue: (value) => value,
});

interface Context {
  /** One loader per feature list, for this request only. */
  readonly loaders: Map<string, DataLoader<string, { entityId: string; values: Values }>>;
}

async function main(): Promise<void> {
  const store = seededValues(Number(process.env.BENCH_SERVER_ENTITIES ?? 1000));
  const read = (id: string, names: readonly string[]) => {
    const found = store.get(id);
    const values: Values = {};
    for (const name of names) values[name] = found?.get(name) ?? null;
    return { entityId: id, values };
  };
  const loader = (ctx: Context, names: readonly string[]) => {
    const key = JSON.stringify(names);
    let found = ctx.loaders.get(key);
    if (!found) {
      found = new DataLoader(async (ids) => ids.map((id) => read(id, names)));
      ctx.loaders.set(key, found);
    }
    return found;
  };
  type Args = { entityId: string; entityIds: string[]; featureNames: string[] };
  const schema = createSchema<Context>({
    typeDefs: /* GraphQL */ `
      scalar JSON
      type FeatureVector { entityId: ID! values: JSON! }
      type Query {
        vector(entityId: ID!, featureNames: [String!]!): FeatureVector
        vectors(entityIds: [ID!]!, featureNames: [String!]!): [FeatureVector!]
      }
    `,
    resolvers: {
      JSON: JSON_SCALAR,
      Query: {
        vector: (_: unknown, args: Args, ctx: Context) => loader(ctx, args.featureNames).load(args.entityId),
        vectors: (_: unknown, args: Args, ctx: Context) =>
          loader(ctx, args.featureNames).loadMany(args.entityIds),
      },
    },
  });
  const yoga = createYoga<object, Context>({
    schema,
    graphiql: false,
    logging: false,
    context: () => ({ loaders: new Map() }),
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  answerControl(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  tell({ type: "ready", url: `http://127.0.0.1:${port}/graphql`, pid: process.pid });
}

main().catch(failed);
