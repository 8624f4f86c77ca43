// Where focus goes after actions that remove the control the user pressed (New chat, opening a
// conversation, the drawer closing): the message box, once it is on screen.
import { tick } from 'svelte';

export const COMPOSER_ID = 'composer';

export async function focusComposer(): Promise<void> {
  await tick();
  document.getElementById(COMPOSER_ID)?.focus();
}
