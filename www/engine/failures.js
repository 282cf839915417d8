// The engine's failures: a wasm trap (a Rust panic) leaves the instance unusable, so the
// engine marks itself broken and every later call fails as the trap did; other errors
// pass through as they are. Methods of Engine (engine.js), `this` the engine.

/**
 * A wasm trap as the page sees it. Across a worker it arrives as a plain Error, so it is
 * marked by name, with the panic's own message when Rust logged one.
 */
export function panicError(err, panic) {
  const e = new Error(err.message);
  e.name = 'RuntimeError';
  e.panic = panic;
  return e;
}

/** An error as one sentence, for the page's panels and the reports. */
export const describe = (err) => (err?.message ?? String(err)).replace(/[.!?]$/, '') + '.';

export class Failures {
  /** Runs `fn`; a wasm trap marks the engine broken and comes out as a panic error. */
  call(fn) {
    try {
      return fn();
    } catch (err) {
      this.fail(err);
      throw err instanceof WebAssembly.RuntimeError ? panicError(err, this.panicMessage) : err;
    }
  }

  fail(err) {
    if (err instanceof WebAssembly.RuntimeError) {
      this.broken = true;
      this.trap = err.message;
      if (this.free) this.free.stopped = true;
      this.free = null;
      throw panicError(err, this.panicMessage);
    }
  }

  guardBroken() {
    // Every call after a trap fails as the trap did: whichever reaches the page first says it.
    if (this.broken) throw panicError(new Error(this.trap), this.panicMessage);
  }

  /**
   * For the tests: a deliberate Rust panic, where the build has the core's test hook
   * (`debug_panic`, behind the `test-hooks` cargo feature). Returns false where it has not.
   */
  debugPanic() {
    this.guardBroken();
    if (typeof this.pg.debug_panic !== 'function') return false;
    this.call(() => this.pg.debug_panic());
    return true;
  }
}
