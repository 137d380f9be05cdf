// What an object owns and must release when it goes: subscriptions, emitters, registrations. One base instead
// of hand-rolled dispose lists (as in vscode-pull-request-github's `Disposable`): owned things are released
// once, newest first, and anything handed over after disposal is released at once instead of leaking.

export interface DisposableLike {
  dispose(): unknown;
}

export abstract class Disposable implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private disposedValue = false;

  /** Take ownership: released with this object (at once, if this object is already disposed). */
  protected own<T extends DisposableLike>(disposable: T): T {
    if (this.disposedValue) disposable.dispose();
    else this.owned.push(disposable);
    return disposable;
  }

  protected ownAll(...disposables: DisposableLike[]): void {
    for (const disposable of disposables) this.own(disposable);
  }

  get isDisposed(): boolean {
    return this.disposedValue;
  }

  dispose(): void {
    if (this.disposedValue) return;
    this.disposedValue = true;
    for (const disposable of this.owned.splice(0).reverse()) disposable.dispose();
  }
}
