// Clicks on the first screen before React has taken it over. `vnet serve` sends the first
// screen as HTML (firstScreen.tsx): the networks and the buttons are on screen a good
// 100 ms before the editor's code has arrived and hydrated them. A click (or double-click)
// in that time would do nothing; it is held here instead, and given again to the same
// element once the editor has its handlers. Until this runs, the page keeps the first
// screen `inert` (first-page.ts), so no click can land before it is held.
// Typing is not held: text typed into a field in that moment is refused (the field keeps
// the value the editor has), rather than left for React to find different from its state.

/** What a click can land on in the first screen: tabs, buttons, rows, the panel's boxes and radios. */
const CLICKABLE = 'button, [role="tab"], tr, a, label, input, select';

export interface EarlyClicks {
  /** Stops holding clicks and gives each held one again, in order. */
  replay(): void;
}

export function holdEarlyClicks(doc: Document): EarlyClicks {
  const held: { element: HTMLElement; type: string }[] = [];
  const hold = (event: MouseEvent) => {
    const element = event.target instanceof Element ? event.target.closest<HTMLElement>(CLICKABLE) : null;
    if (!element) return;
    event.preventDefault();
    event.stopPropagation();
    held.push({ element, type: event.type });
  };
  const refuse = (event: Event) => event.preventDefault();
  doc.addEventListener('click', hold, true);
  doc.addEventListener('dblclick', hold, true);
  doc.addEventListener('beforeinput', refuse, true);
  let replayed = false;
  return {
    replay() {
      if (replayed) return;
      replayed = true;
      doc.removeEventListener('click', hold, true);
      doc.removeEventListener('dblclick', hold, true);
      doc.removeEventListener('beforeinput', refuse, true);
      for (const { element, type } of held.splice(0)) {
        if (!element.isConnected) continue;
        if (type === 'click') element.click();
        else element.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: doc.defaultView }));
      }
    },
  };
}
