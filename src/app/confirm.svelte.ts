// The app's one confirmation dialog (ConfirmDialog.svelte, on bits-ui AlertDialog): a request opens
// it and settles once it has closed and focus is back where it was, so the caller acts from there.
export interface ConfirmRequest {
  title: string;
  /** What will be lost, one line each. */
  lines: string[];
  /** The label of the button that goes ahead. */
  action: string;
}

export const confirmation = $state({ open: false, request: null as ConfirmRequest | null });

let settle: ((ok: boolean) => void) | null = null;
let accepted = false;
let returnTo: HTMLElement | null = null;

/** Opens the dialog; resolves true when the user went ahead, false when they cancelled or pressed Escape. */
export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  settle?.(false);
  accepted = false;
  returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  confirmation.request = request;
  confirmation.open = true;
  return new Promise((done) => (settle = done));
}

export function accept(): void {
  accepted = true;
  confirmation.open = false;
}

/** Called by the dialog once it has closed: focus goes back to the control that asked, then the caller goes on. */
export function closed(): void {
  if (returnTo?.isConnected) returnTo.focus();
  returnTo = null;
  settle?.(accepted);
  settle = null;
}
