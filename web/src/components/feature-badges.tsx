import type { FeatureType, ValueType } from "../generated/graphql";

/** A feature's kind and stored type, as one compact badge: "NUMERIC · INT". */
export function TypeBadge({ featureType, valueType }: { featureType: FeatureType; valueType: ValueType }) {
  return (
    <span class={`badge type-${featureType.toLowerCase()}`}>
      {featureType}
      <span class="badge-sub"> · {valueType}</span>
    </span>
  );
}

/** Tags as a row of chips. */
export function Tags({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return <span class="muted">none</span>;
  return (
    <ul class="tags" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag} class="tag">
          {tag}
        </li>
      ))}
    </ul>
  );
}
