import { limitExceeded } from "./limits.js";

/**
 * What one request may still read: entity ids (against `maxEntityIds`) and (entity, feature)
 * pairs (against `maxCost`). Vector resolvers take from it before they load, so the sums over
 * every field of the request, aliases included, stay within the limits whatever the query's
 * price was guessed to be: a group's vector is charged its real number of features here,
 * which the pricing before execution cannot know.
 */
export class ReadBudget {
  private entities = 0;
  private reads = 0;

  constructor(
    private readonly maxEntityIds: number,
    private readonly maxReads: number,
  ) {}

  /**
   * Takes `entities` ids, each read for `features` features (an empty feature list still costs
   * one read per entity, as in the pricing).
   * @throws GraphQLError LIMIT_EXCEEDED (limit `entityIds` or `cost`) past either limit; the
   * field then fails alone.
   */
  take(entities: number, features: number): void {
    const totalEntities = this.entities + entities;
    const totalReads = this.reads + entities * Math.max(features, 1);
    if (totalEntities > this.maxEntityIds) {
      throw limitExceeded("entityIds", this.maxEntityIds, totalEntities, false);
    }
    if (totalReads > this.maxReads) throw limitExceeded("cost", this.maxReads, totalReads, false);
    // A refused field reads nothing, so it spends nothing: a smaller field after it may still fit.
    this.entities = totalEntities;
    this.reads = totalReads;
  }
}
