/**
 * Runs async operations one after another in call order, so that a caller who fires several stream calls
 * without awaiting each (as Node stream users do) still gets them applied in order. A failed operation
 * rejects only its own promise.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation, operation);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
