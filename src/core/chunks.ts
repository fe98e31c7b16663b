/**
 * Groups the items of a (possibly async) iterable into arrays of at most `size`, in order, pulling
 * only as many items as the next array needs: whatever the source holds, memory holds one array.
 * Training sets and imports stream through this, one backend call per array.
 */
export async function* inChunks<T>(items: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
