import "./menu.css";

import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";

export type MenuItem = {
  label: string;
  onSelect: () => void;
  /** A destructive action (Delete): drawn in the danger colour, after a separator. */
  danger?: boolean;
  disabled?: boolean;
  /** A line above the item, to group the items below it apart. */
  separated?: boolean;
  /** The key that does the same outside the menu (shown, not bound here). */
  shortcut?: string;
};

/** Where a menu opens: under an element (a menu button, a focused row) or at a pointer. */
export type MenuAnchor = { element: HTMLElement } | { x: number; y: number };

type Props = {
  label: string;
  id?: string;
  items: MenuItem[];
  anchor: MenuAnchor;
  /** Where focus goes back to on Escape or after a choice; the anchor element by default. */
  returnFocus?: HTMLElement | null;
  /** Which item has focus when the menu opens (ArrowUp on a menu button opens on the last). */
  initialFocus?: "first" | "last";
  onClose: () => void;
};

const enabledItems = (root: HTMLElement | null) =>
  [...(root?.querySelectorAll<HTMLButtonElement>("[role=menuitem]") ?? [])].filter((b) => !b.disabled);

/** A popup menu (WAI-ARIA menu pattern): arrows, Home and End move, Enter or Space chooses,
 * Escape closes and returns focus, Tab or a click outside closes. Drawn over everything, so a
 * scrolled or clipped container never cuts it. */
export function Menu({ label, id, items, anchor, returnFocus, initialFocus = "first", onClose }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ left: number; top: number } | null>(null);
  const close = useRef(onClose);
  close.current = onClose;
  const back = returnFocus ?? ("element" in anchor ? anchor.element : null);

  // Placed under (or at) the anchor, and kept inside the window.
  useLayoutEffect(() => {
    const menu = box.current;
    if (!menu) return;
    const at =
      "element" in anchor
        ? (() => {
            const r = anchor.element.getBoundingClientRect();
            return { x: r.left, y: r.bottom + 2, right: r.right };
          })()
        : { x: anchor.x, y: anchor.y, right: anchor.x };
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    const left = at.x + width > window.innerWidth - 4 ? Math.max(4, at.right - width) : at.x;
    const top = at.y + height > window.innerHeight - 4 ? Math.max(4, at.y - height - 4) : at.y;
    setPosition({ left, top });
  }, [anchor]);

  // Once placed: a hidden element cannot take focus.
  const placed = position !== null;
  useEffect(() => {
    if (!placed) return;
    const items = enabledItems(box.current);
    (initialFocus === "last" ? items[items.length - 1] : items[0])?.focus();
  }, [initialFocus, placed]);

  useEffect(() => {
    const anchorElement = "element" in anchor ? anchor.element : null;
    const onPointerDown = (e: PointerEvent | MouseEvent) => {
      const target = e.target as Node | null;
      if (!target || box.current?.contains(target)) return;
      // The menu button toggles its own menu.
      if (anchorElement?.contains(target)) return;
      close.current();
    };
    const onLeave = () => close.current();
    document.addEventListener("mousedown", onPointerDown, true);
    window.addEventListener("resize", onLeave);
    window.addEventListener("blur", onLeave);
    return () => {
      document.removeEventListener("mousedown", onPointerDown, true);
      window.removeEventListener("resize", onLeave);
      window.removeEventListener("blur", onLeave);
    };
  }, [anchor]);

  const closeAndReturn = () => {
    back?.focus();
    close.current();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // The tree's, the app's and a dialog's keys are not for the menu's items.
    e.stopPropagation();
    const items = enabledItems(box.current);
    const at = items.findIndex((b) => b === document.activeElement);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    switch (e.key) {
      case "ArrowDown":
        move(at + 1);
        break;
      case "ArrowUp":
        move(at < 0 ? -1 : at - 1);
        break;
      case "Home":
        move(0);
        break;
      case "End":
        move(-1);
        break;
      case "Escape":
        closeAndReturn();
        break;
      case "Tab":
        close.current();
        return;
      default: {
        // Type-ahead: the next item starting with the letter typed.
        if (e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) return;
        const letter = e.key.toLowerCase();
        const order = [...items.slice(at + 1), ...items.slice(0, at + 1)];
        order.find((b) => b.textContent?.trim().toLowerCase().startsWith(letter))?.focus();
        if (e.key === " ") return;
      }
    }
    e.preventDefault();
  };

  const choose = (item: MenuItem) => {
    closeAndReturn();
    item.onSelect();
  };

  return createPortal(
    <div
      ref={box}
      id={id}
      className="menu"
      role="menu"
      aria-label={label}
      tabIndex={-1}
      style={position ? { left: position.left, top: position.top } : { left: 0, top: 0, visibility: "hidden" }}
      onKeyDown={onKeyDown}
      // A menu opened from inside a clickable row must not click the row too (React events
      // bubble through the portal).
      onClick={(e) => e.stopPropagation()}
      onContextMenu={(e) => {
        e.preventDefault();
        e.stopPropagation();
      }}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      {items.map((item) => (
        <div key={item.label} role="none">
          {item.separated ? <div className="menu__separator" role="separator" /> : null}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={`menu__item ${item.danger ? "menu__item--danger" : ""}`}
            disabled={item.disabled}
            onClick={() => choose(item)}
            onMouseEnter={(e) => e.currentTarget.focus()}
          >
            <span className="menu__label">{item.label}</span>
            {item.shortcut ? (
              <kbd className="menu__shortcut" aria-hidden="true">
                {item.shortcut}
              </kbd>
            ) : null}
          </button>
        </div>
      ))}
    </div>,
    document.body,
  );
}

type ButtonProps = {
  /** The button's accessible name (“Actions for …”); also the menu's. */
  label: string;
  items: MenuItem[];
  className?: string;
  tabIndex?: number;
  title?: string;
  children: ReactNode;
};

/** A button that opens a menu: click, Enter, Space or ArrowDown open it on the first item,
 * ArrowUp on the last; focus comes back to the button when it closes. */
export function MenuButton({ label, items, className, tabIndex, title, children }: ButtonProps) {
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const [open, setOpen] = useState<null | { focus: "first" | "last"; anchor: MenuAnchor }>(null);
  const show = (focus: "first" | "last") => button.current && setOpen({ focus, anchor: { element: button.current } });
  return (
    <>
      <button
        ref={button}
        type="button"
        className={className}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open !== null}
        aria-controls={open ? menuId : undefined}
        tabIndex={tabIndex}
        title={title}
        onClick={(e) => {
          e.stopPropagation();
          if (open) setOpen(null);
          else show("first");
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            e.stopPropagation();
            show(e.key === "ArrowDown" ? "first" : "last");
          } else if (e.key === "Enter" || e.key === " ") {
            // Handled by the click the button gets; kept from the row around it.
            e.stopPropagation();
          }
        }}
      >
        {children}
      </button>
      {open ? <Menu id={menuId} label={label} items={items} anchor={open.anchor} initialFocus={open.focus} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
