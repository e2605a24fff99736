/**
 * A bounded ring of the newest items: pushing past its capacity drops the oldest, in O(1).
 * The inspector's message log keeps each kernel connection's recent history in one.
 */
export class Ring<T> {
  constructor(capacity: number) {
    if (!(capacity >= 1)) {
      throw new RangeError(`a ring holds at least 1 item, not ${capacity}`);
    }
    this._items = new Array<T | undefined>(Math.floor(capacity));
  }

  get capacity(): number {
    return this._items.length;
  }

  get size(): number {
    return this._size;
  }

  /** Adds an item; returns the oldest one it drops, if full. */
  push(item: T): T | undefined {
    const capacity = this._items.length;
    const index = (this._start + this._size) % capacity;
    const dropped = this._size === capacity ? this._items[index] : undefined;
    this._items[index] = item;
    if (this._size === capacity) {
      this._start = (this._start + 1) % capacity;
    } else {
      this._size += 1;
    }
    return dropped;
  }

  /** The items, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this._size; i++) {
      out.push(this._items[(this._start + i) % this._items.length] as T);
    }
    return out;
  }

  clear(): void {
    this._items.fill(undefined);
    this._start = 0;
    this._size = 0;
  }

  private _items: Array<T | undefined>;
  private _start = 0;
  private _size = 0;
}
