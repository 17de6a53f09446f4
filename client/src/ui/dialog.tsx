import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { kitText } from './kit-messages.ts';
import './kit.css';

interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  children?: ComponentChildren;
  testId?: string;
}

/**
 * A modal dialog on the browser's own <dialog>: focus is kept inside while it is open, Escape
 * closes it, and focus goes back to what opened it. It stays in the page's state, so a
 * language switch redraws it open with what was typed.
 */
export function Dialog({ title, open, onClose, children, testId }: DialogProps) {
  const element = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = element.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);
  useEffect(() => {
    const dialog = element.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  const restoreFocus = () => {
    const target = opener.current;
    if (target instanceof HTMLElement && target.isConnected) target.focus();
  };
  return (
    <dialog
      ref={element}
      class="modal"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClose={restoreFocus}
    >
      {open ? (
        <>
          <div class="modal-head">
            <h2 id={titleId}>{title}</h2>
            <button type="button" class="modal-close" aria-label={kitText('close')} onClick={onClose}>
              <span aria-hidden="true">×</span>
            </button>
          </div>
          <div class="modal-body">{children}</div>
        </>
      ) : null}
    </dialog>
  );
}

/** The button that opens a dialog: it says so to assistive technology (`aria-haspopup`). */
export function DialogButton({
  label,
  onOpen,
  class: className,
  describedBy,
}: {
  label: ComponentChildren;
  onOpen: () => void;
  class?: string;
  describedBy?: string;
}) {
  return (
    <button type="button" class={className ?? 'button button-secondary'} aria-haspopup="dialog" aria-describedby={describedBy} onClick={onOpen}>
      {label}
    </button>
  );
}
