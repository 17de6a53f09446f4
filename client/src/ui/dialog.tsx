/**
 * A modal dialog on the browser's own <dialog>: the page behind becomes inert, Escape closes
 * it, focus goes into it and back to the control that opened it. Its content is mounted only
 * while it is open, so each opening starts afresh; a re-render (a language switch) keeps it
 * open with whatever was typed in it.
 */
import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import { ut } from './messages.ts';
import './ui.css';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children?: ComponentChildren;
}

export function Dialog({ open, title, onClose, children }: DialogProps) {
  const element = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  useLayoutEffect(() => {
    const dialog = element.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
    if (!open && opener.current) {
      // The opener may have been redrawn meanwhile (a list reloaded): only a control still on the page takes focus back.
      if (opener.current.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [open]);
  return (
    <dialog ref={element} class="dialog" aria-labelledby={open ? titleId : undefined} onClose={() => open && onClose()}>
      {open ? (
        <>
          <div class="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" class="dialog-close" onClick={onClose}>
              <span aria-hidden="true">×</span>
              <span class="visually-hidden">{ut('close')}</span>
            </button>
          </div>
          <div class="dialog-body">{children}</div>
        </>
      ) : null}
    </dialog>
  );
}

/** The button that opens a dialog: it says so to assistive technology (`aria-haspopup`). */
export function DialogButton({ label, onOpen, class: className, describedBy }: { label: ComponentChildren; onOpen: () => void; class?: string; describedBy?: string }) {
  return (
    <button type="button" class={className ?? 'button button-secondary'} aria-haspopup="dialog" aria-describedby={describedBy} onClick={onOpen}>
      {label}
    </button>
  );
}
