import { useEffect, useRef, useState, type ReactNode } from "react";

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
}

/** A "⋯" button that opens a small list of actions. */
export function Menu(props: { label: string; items: MenuItem[]; button?: ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);
  return (
    <div className={`menu ${props.className ?? ""}`} ref={root}>
      <button className="icon menu-button" aria-label={props.label} aria-haspopup="menu" onClick={() => setOpen(!open)}>
        {props.button ?? "⋯"}
      </button>
      {open && (
        <div className="menu-list" role="menu">
          {props.items.map((item) => (
            <button
              key={item.label}
              role="menuitem"
              className={item.danger ? "danger-text" : ""}
              disabled={item.disabled}
              onClick={() => {
                setOpen(false);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
