// One reusable buffer for the weights being loaded. Each segment's parts are read into it, handed
// to ORT (which copies them during session creation), and the next segment reuses the same bytes:
// loading and streaming leave no segment-sized garbage waiting for the garbage collector.

const ALIGN = 16;

export class Arena {
  private buffer: ArrayBuffer;
  private used = 0;

  constructor(capacityBytes: number) {
    this.buffer = new ArrayBuffer(capacityBytes);
  }

  /** A zero-filled-or-reused region of `bytes` bytes, 16-byte aligned. */
  alloc(bytes: number): Uint8Array {
    const start = Math.ceil(this.used / ALIGN) * ALIGN;
    if (start + bytes > this.buffer.byteLength) {
      // Larger than planned: grow; earlier regions stay valid in the old buffer.
      this.buffer = new ArrayBuffer(Math.max(bytes, 2 * this.buffer.byteLength));
      this.used = 0;
      return this.alloc(bytes);
    }
    this.used = start + bytes;
    return new Uint8Array(this.buffer, start, bytes);
  }

  /** Makes the whole buffer available again; regions handed out before must no longer be used. */
  reset(): void {
    this.used = 0;
  }

  /**
   * Frees the buffer now rather than when the collector runs (which may be long after a load):
   * transferring it to a zero-length one detaches every region handed out. Where the runtime lacks
   * ArrayBuffer.prototype.transfer (Node 20) the buffer is only dropped. The arena is empty after.
   */
  release(): void {
    const buffer = this.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
    this.buffer = buffer.transfer ? buffer.transfer(0) : new ArrayBuffer(0);
    this.used = 0;
  }
}

/** Allocates from an arena when one is given, else a fresh buffer. */
export function allocate(bytes: number, arena?: Arena): Uint8Array {
  return arena ? arena.alloc(bytes) : new Uint8Array(bytes);
}
