/**
 * After a navigation, focus goes to the new page's <h1> once the page has drawn it
 * (pages load their code and data at their own pace); on first load and on a
 * re-render focus stays where it is.
 */
let headingFocusPending = false;

export function focusHeadingWhenDrawn(): void {
  headingFocusPending = true;
}

/** Called by whatever draws a page's heading; moves focus there if a navigation asked for it. */
export function pageHeadingDrawn(heading: HTMLElement | null): void {
  if (!headingFocusPending || !heading) return;
  headingFocusPending = false;
  heading.focus();
}
