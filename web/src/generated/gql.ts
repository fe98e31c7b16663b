/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment FeatureSummary on FeatureDefinition {\n  name\n  featureType\n  valueType\n  tags\n  ttlSeconds\n  description\n  defaultValue\n  dimension\n}\n\nquery Catalog {\n  features {\n    ...FeatureSummary\n    coverage {\n      live\n      expired\n      deleted\n      defaultShare\n      lastWriteAt\n      complete\n    }\n  }\n  groups {\n    name\n    description\n    tags\n    featureNames\n  }\n}": typeof types.FeatureSummaryFragmentDoc,
    "query EntityVector($entityId: ID!, $featureNames: [String!]!, $asOf: DateTime) {\n  vector(entityId: $entityId, featureNames: $featureNames, asOf: $asOf) {\n    entityId\n    features {\n      featureName\n      value\n      version\n      timestamp\n      usedDefault\n      historyTrimmed\n    }\n  }\n}\n\nquery FeatureHistory($featureName: String!, $entityId: ID!) {\n  history(featureName: $featureName, entityId: $entityId) {\n    value\n    version\n    timestamp\n  }\n}\n\nsubscription EntityChanges($entityId: ID!) {\n  valueChanged(entityIds: [$entityId]) {\n    featureName\n    entityId\n    value\n    version\n    timestamp\n  }\n}": typeof types.EntityVectorDocument,
    "query FeaturePage($name: String!) {\n  feature(name: $name) {\n    ...FeatureSummary\n  }\n  groups {\n    name\n    featureNames\n  }\n}\n\nquery FeatureStatistics($name: String!) {\n  featureStatistics(featureName: $name, bins: 20, topValues: 10, writeBuckets: 36) {\n    computedAt\n    complete\n    live\n    expired\n    deleted\n    defaultShare\n    lastWriteAt\n    distinctValues\n    topValues {\n      value\n      count\n    }\n    trueShare\n    measure\n    numbers {\n      count\n      min\n      max\n      mean\n      stddev\n      histogram {\n        lower\n        upper\n        count\n      }\n    }\n    dimension\n    earliest\n    latest\n    writes {\n      start\n      end\n      values\n      deletions\n    }\n  }\n  entities(featureName: $name, first: 12) {\n    edges {\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n    }\n  }\n}": typeof types.FeaturePageDocument,
    "query GroupPage($name: String!) {\n  group(name: $name) {\n    name\n    description\n    tags\n    features {\n      ...FeatureSummary\n    }\n  }\n}\n\nquery GroupRows($entityIds: [ID!]!, $featureNames: [String!]!) {\n  vectors(entityIds: $entityIds, featureNames: $featureNames) {\n    entityId\n    features {\n      featureName\n      value\n      usedDefault\n      version\n    }\n  }\n}\n\nquery GroupEntities($name: String!, $first: Int!, $after: String) {\n  entities(groupName: $name, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    complete\n  }\n}": typeof types.GroupPageDocument,
};
const documents: Documents = {
    "fragment FeatureSummary on FeatureDefinition {\n  name\n  featureType\n  valueType\n  tags\n  ttlSeconds\n  description\n  defaultValue\n  dimension\n}\n\nquery Catalog {\n  features {\n    ...FeatureSummary\n    coverage {\n      live\n      expired\n      deleted\n      defaultShare\n      lastWriteAt\n      complete\n    }\n  }\n  groups {\n    name\n    description\n    tags\n    featureNames\n  }\n}": types.FeatureSummaryFragmentDoc,
    "query EntityVector($entityId: ID!, $featureNames: [String!]!, $asOf: DateTime) {\n  vector(entityId: $entityId, featureNames: $featureNames, asOf: $asOf) {\n    entityId\n    features {\n      featureName\n      value\n      version\n      timestamp\n      usedDefault\n      historyTrimmed\n    }\n  }\n}\n\nquery FeatureHistory($featureName: String!, $entityId: ID!) {\n  history(featureName: $featureName, entityId: $entityId) {\n    value\n    version\n    timestamp\n  }\n}\n\nsubscription EntityChanges($entityId: ID!) {\n  valueChanged(entityIds: [$entityId]) {\n    featureName\n    entityId\n    value\n    version\n    timestamp\n  }\n}": types.EntityVectorDocument,
    "query FeaturePage($name: String!) {\n  feature(name: $name) {\n    ...FeatureSummary\n  }\n  groups {\n    name\n    featureNames\n  }\n}\n\nquery FeatureStatistics($name: String!) {\n  featureStatistics(featureName: $name, bins: 20, topValues: 10, writeBuckets: 36) {\n    computedAt\n    complete\n    live\n    expired\n    deleted\n    defaultShare\n    lastWriteAt\n    distinctValues\n    topValues {\n      value\n      count\n    }\n    trueShare\n    measure\n    numbers {\n      count\n      min\n      max\n      mean\n      stddev\n      histogram {\n        lower\n        upper\n        count\n      }\n    }\n    dimension\n    earliest\n    latest\n    writes {\n      start\n      end\n      values\n      deletions\n    }\n  }\n  entities(featureName: $name, first: 12) {\n    edges {\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n    }\n  }\n}": types.FeaturePageDocument,
    "query GroupPage($name: String!) {\n  group(name: $name) {\n    name\n    description\n    tags\n    features {\n      ...FeatureSummary\n    }\n  }\n}\n\nquery GroupRows($entityIds: [ID!]!, $featureNames: [String!]!) {\n  vectors(entityIds: $entityIds, featureNames: $featureNames) {\n    entityId\n    features {\n      featureName\n      value\n      usedDefault\n      version\n    }\n  }\n}\n\nquery GroupEntities($name: String!, $first: Int!, $after: String) {\n  entities(groupName: $name, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    complete\n  }\n}": types.GroupPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment FeatureSummary on FeatureDefinition {\n  name\n  featureType\n  valueType\n  tags\n  ttlSeconds\n  description\n  defaultValue\n  dimension\n}\n\nquery Catalog {\n  features {\n    ...FeatureSummary\n    coverage {\n      live\n      expired\n      deleted\n      defaultShare\n      lastWriteAt\n      complete\n    }\n  }\n  groups {\n    name\n    description\n    tags\n    featureNames\n  }\n}"): typeof import('./graphql.js').FeatureSummaryFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query EntityVector($entityId: ID!, $featureNames: [String!]!, $asOf: DateTime) {\n  vector(entityId: $entityId, featureNames: $featureNames, asOf: $asOf) {\n    entityId\n    features {\n      featureName\n      value\n      version\n      timestamp\n      usedDefault\n      historyTrimmed\n    }\n  }\n}\n\nquery FeatureHistory($featureName: String!, $entityId: ID!) {\n  history(featureName: $featureName, entityId: $entityId) {\n    value\n    version\n    timestamp\n  }\n}\n\nsubscription EntityChanges($entityId: ID!) {\n  valueChanged(entityIds: [$entityId]) {\n    featureName\n    entityId\n    value\n    version\n    timestamp\n  }\n}"): typeof import('./graphql.js').EntityVectorDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FeaturePage($name: String!) {\n  feature(name: $name) {\n    ...FeatureSummary\n  }\n  groups {\n    name\n    featureNames\n  }\n}\n\nquery FeatureStatistics($name: String!) {\n  featureStatistics(featureName: $name, bins: 20, topValues: 10, writeBuckets: 36) {\n    computedAt\n    complete\n    live\n    expired\n    deleted\n    defaultShare\n    lastWriteAt\n    distinctValues\n    topValues {\n      value\n      count\n    }\n    trueShare\n    measure\n    numbers {\n      count\n      min\n      max\n      mean\n      stddev\n      histogram {\n        lower\n        upper\n        count\n      }\n    }\n    dimension\n    earliest\n    latest\n    writes {\n      start\n      end\n      values\n      deletions\n    }\n  }\n  entities(featureName: $name, first: 12) {\n    edges {\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n    }\n  }\n}"): typeof import('./graphql.js').FeaturePageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GroupPage($name: String!) {\n  group(name: $name) {\n    name\n    description\n    tags\n    features {\n      ...FeatureSummary\n    }\n  }\n}\n\nquery GroupRows($entityIds: [ID!]!, $featureNames: [String!]!) {\n  vectors(entityIds: $entityIds, featureNames: $featureNames) {\n    entityId\n    features {\n      featureName\n      value\n      usedDefault\n      version\n    }\n  }\n}\n\nquery GroupEntities($name: String!, $first: Int!, $after: String) {\n  entities(groupName: $name, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    complete\n  }\n}"): typeof import('./graphql.js').GroupPageDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
