/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What a feature means to a model. */
export type FeatureType =
  | 'BOOLEAN'
  | 'CATEGORICAL'
  | 'EMBEDDING'
  | 'NUMERIC'
  | 'TEXT'
  | 'TIMESTAMP';

/** What `FeatureStatistics.numbers` summarizes. */
export type StatisticsMeasure =
  /** A STRING value's length in characters (Unicode code points). */
  | 'LENGTH'
  /** An EMBEDDING's L2 norm. */
  | 'NORM'
  /** The value itself: NUMERIC, and TIMESTAMP INT (epoch milliseconds). */
  | 'VALUE';

/** How a feature's values are checked and stored: INT a safe integer, FLOAT a finite number, STRING, BOOL, LIST a JSON array, DICT a JSON object. */
export type ValueType =
  | 'BOOL'
  | 'DICT'
  | 'FLOAT'
  | 'INT'
  | 'LIST'
  | 'STRING';

export type FeatureSummaryFragment = { name: string, featureType: FeatureType, valueType: ValueType, tags: Array<string>, ttlSeconds: number | null, description: string | null, defaultValue: unknown, dimension: number | null };

export type CatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type CatalogQuery = { features: Array<{ name: string, featureType: FeatureType, valueType: ValueType, tags: Array<string>, ttlSeconds: number | null, description: string | null, defaultValue: unknown, dimension: number | null, coverage: { live: number, expired: number, deleted: number, defaultShare: number | null, lastWriteAt: string | null, complete: boolean } }> | null, groups: Array<{ name: string, description: string | null, tags: Array<string>, featureNames: Array<string> }> | null };

export type EntityVectorQueryVariables = Exact<{
  entityId: string | number;
  featureNames: Array<string> | string;
  asOf?: string | null | undefined;
}>;


export type EntityVectorQuery = { vector: { entityId: string, features: Array<{ featureName: string, value: unknown, version: number | null, timestamp: string | null, usedDefault: boolean, historyTrimmed: boolean }> } | null };

export type FeatureHistoryQueryVariables = Exact<{
  featureName: string;
  entityId: string | number;
}>;


export type FeatureHistoryQuery = { history: Array<{ value: unknown, version: number, timestamp: string }> | null };

export type FeatureHistoryPageQueryVariables = Exact<{
  featureName: string;
  entityId: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type FeatureHistoryPageQuery = { historyConnection: { edges: Array<{ node: { value: unknown, version: number, timestamp: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type EntityChangesSubscriptionVariables = Exact<{
  entityId: string | number;
}>;


export type EntityChangesSubscription = { valueChanged: { featureName: string, entityId: string, value: unknown, version: number, timestamp: string } };

export type FeaturePageQueryVariables = Exact<{
  name: string;
}>;


export type FeaturePageQuery = { feature: { name: string, featureType: FeatureType, valueType: ValueType, tags: Array<string>, ttlSeconds: number | null, description: string | null, defaultValue: unknown, dimension: number | null } | null, groups: Array<{ name: string, featureNames: Array<string> }> | null };

export type FeatureStatisticsQueryVariables = Exact<{
  name: string;
}>;


export type FeatureStatisticsQuery = { featureStatistics: { computedAt: string, complete: boolean, live: number, expired: number, deleted: number, defaultShare: number | null, lastWriteAt: string | null, distinctValues: number | null, trueShare: number | null, measure: StatisticsMeasure | null, dimension: number | null, earliest: string | null, latest: string | null, topValues: Array<{ value: unknown, count: number }>, numbers: { count: number, min: number | null, max: number | null, mean: number | null, stddev: number | null, histogram: Array<{ lower: number, upper: number, count: number }> } | null, writes: Array<{ start: string, end: string, values: number, deletions: number }> } | null, entities: { edges: Array<{ node: { id: string } }>, pageInfo: { hasNextPage: boolean } } | null };

export type GroupPageQueryVariables = Exact<{
  name: string;
}>;


export type GroupPageQuery = { group: { name: string, description: string | null, tags: Array<string>, features: Array<{ name: string, featureType: FeatureType, valueType: ValueType, tags: Array<string>, ttlSeconds: number | null, description: string | null, defaultValue: unknown, dimension: number | null }> } | null };

export type GroupRowsQueryVariables = Exact<{
  entityIds: Array<string | number> | string | number;
  featureNames: Array<string> | string;
}>;


export type GroupRowsQuery = { vectors: Array<{ entityId: string, features: Array<{ featureName: string, value: unknown, usedDefault: boolean, version: number | null }> }> | null };

export type GroupEntitiesQueryVariables = Exact<{
  name: string;
  first: number;
  after?: string | null | undefined;
}>;


export type GroupEntitiesQuery = { entities: { complete: boolean, edges: Array<{ cursor: string, node: { id: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const FeatureSummaryFragmentDoc = new TypedDocumentString(`
    fragment FeatureSummary on FeatureDefinition {
  name
  featureType
  valueType
  tags
  ttlSeconds
  description
  defaultValue
  dimension
}
    `, {"fragmentName":"FeatureSummary"}) as unknown as TypedDocumentString<FeatureSummaryFragment, unknown>;
export const CatalogDocument = new TypedDocumentString(`
    query Catalog {
  features {
    ...FeatureSummary
    coverage {
      live
      expired
      deleted
      defaultShare
      lastWriteAt
      complete
    }
  }
  groups {
    name
    description
    tags
    featureNames
  }
}
    fragment FeatureSummary on FeatureDefinition {
  name
  featureType
  valueType
  tags
  ttlSeconds
  description
  defaultValue
  dimension
}`) as unknown as TypedDocumentString<CatalogQuery, CatalogQueryVariables>;
export const EntityVectorDocument = new TypedDocumentString(`
    query EntityVector($entityId: ID!, $featureNames: [String!]!, $asOf: DateTime) {
  vector(entityId: $entityId, featureNames: $featureNames, asOf: $asOf) {
    entityId
    features {
      featureName
      value
      version
      timestamp
      usedDefault
      historyTrimmed
    }
  }
}
    `) as unknown as TypedDocumentString<EntityVectorQuery, EntityVectorQueryVariables>;
export const FeatureHistoryDocument = new TypedDocumentString(`
    query FeatureHistory($featureName: String!, $entityId: ID!) {
  history(featureName: $featureName, entityId: $entityId) {
    value
    version
    timestamp
  }
}
    `) as unknown as TypedDocumentString<FeatureHistoryQuery, FeatureHistoryQueryVariables>;
export const FeatureHistoryPageDocument = new TypedDocumentString(`
    query FeatureHistoryPage($featureName: String!, $entityId: ID!, $first: Int!, $after: String) {
  historyConnection(
    featureName: $featureName
    entityId: $entityId
    order: NEWEST_FIRST
    first: $first
    after: $after
  ) {
    edges {
      node {
        value
        version
        timestamp
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<FeatureHistoryPageQuery, FeatureHistoryPageQueryVariables>;
export const EntityChangesDocument = new TypedDocumentString(`
    subscription EntityChanges($entityId: ID!) {
  valueChanged(entityIds: [$entityId]) {
    featureName
    entityId
    value
    version
    timestamp
  }
}
    `) as unknown as TypedDocumentString<EntityChangesSubscription, EntityChangesSubscriptionVariables>;
export const FeaturePageDocument = new TypedDocumentString(`
    query FeaturePage($name: String!) {
  feature(name: $name) {
    ...FeatureSummary
  }
  groups {
    name
    featureNames
  }
}
    fragment FeatureSummary on FeatureDefinition {
  name
  featureType
  valueType
  tags
  ttlSeconds
  description
  defaultValue
  dimension
}`) as unknown as TypedDocumentString<FeaturePageQuery, FeaturePageQueryVariables>;
export const FeatureStatisticsDocument = new TypedDocumentString(`
    query FeatureStatistics($name: String!) {
  featureStatistics(featureName: $name, bins: 20, topValues: 10, writeBuckets: 36) {
    computedAt
    complete
    live
    expired
    deleted
    defaultShare
    lastWriteAt
    distinctValues
    topValues {
      value
      count
    }
    trueShare
    measure
    numbers {
      count
      min
      max
      mean
      stddev
      histogram {
        lower
        upper
        count
      }
    }
    dimension
    earliest
    latest
    writes {
      start
      end
      values
      deletions
    }
  }
  entities(featureName: $name, first: 12) {
    edges {
      node {
        id
      }
    }
    pageInfo {
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<FeatureStatisticsQuery, FeatureStatisticsQueryVariables>;
export const GroupPageDocument = new TypedDocumentString(`
    query GroupPage($name: String!) {
  group(name: $name) {
    name
    description
    tags
    features {
      ...FeatureSummary
    }
  }
}
    fragment FeatureSummary on FeatureDefinition {
  name
  featureType
  valueType
  tags
  ttlSeconds
  description
  defaultValue
  dimension
}`) as unknown as TypedDocumentString<GroupPageQuery, GroupPageQueryVariables>;
export const GroupRowsDocument = new TypedDocumentString(`
    query GroupRows($entityIds: [ID!]!, $featureNames: [String!]!) {
  vectors(entityIds: $entityIds, featureNames: $featureNames) {
    entityId
    features {
      featureName
      value
      usedDefault
      version
    }
  }
}
    `) as unknown as TypedDocumentString<GroupRowsQuery, GroupRowsQueryVariables>;
export const GroupEntitiesDocument = new TypedDocumentString(`
    query GroupEntities($name: String!, $first: Int!, $after: String) {
  entities(groupName: $name, first: $first, after: $after) {
    edges {
      cursor
      node {
        id
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    complete
  }
}
    `) as unknown as TypedDocumentString<GroupEntitiesQuery, GroupEntitiesQueryVariables>;