// A minimal event emitter for the pure model (vscode's EventEmitter is not available outside the host).

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  /** Subscribe; the returned handle unsubscribes (fits `context.subscriptions`). */
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One broken listener must not starve the others (and the model) of updates.
        console.error('listener failed', error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
