import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { MenuButton, type MenuItem } from "./Menu";

function setup(items: MenuItem[]) {
  render(
    <>
      <MenuButton label="Actions" items={items}>
        ⋯
      </MenuButton>
      <button type="button">Elsewhere</button>
    </>,
  );
  return { user: userEvent.setup(), button: screen.getByRole("button", { name: "Actions" }) };
}

describe("Menu", () => {
  it("skips disabled items, jumps by first letter, and runs the item chosen once, closing", async () => {
    const rename = vi.fn();
    const remove = vi.fn();
    const { user, button } = setup([
      { label: "Open", onSelect: vi.fn(), disabled: true },
      { label: "Rename", onSelect: rename },
      { label: "Duplicate", onSelect: vi.fn() },
      { label: "Delete", onSelect: remove, danger: true, separated: true },
    ]);
    button.focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement?.textContent).toBe("Rename");
    expect(screen.getAllByRole("separator")).toHaveLength(1);
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement?.textContent).toBe("Delete");
    await user.keyboard("d");
    expect(document.activeElement?.textContent).toBe("Duplicate");
    await user.keyboard("d");
    expect(document.activeElement?.textContent).toBe("Delete");
    await user.keyboard("{Enter}");
    expect(remove).toHaveBeenCalledTimes(1);
    expect(rename).not.toHaveBeenCalled();
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("opens on ArrowUp at the last item, and a click on its button again closes it", async () => {
    const { user, button } = setup([
      { label: "One", onSelect: vi.fn() },
      { label: "Two", onSelect: vi.fn() },
    ]);
    button.focus();
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement?.textContent).toBe("Two");
    expect(button.getAttribute("aria-controls")).toBe(screen.getByRole("menu").id);
    await user.click(button);
    expect(screen.queryByRole("menu")).toBeNull();
    await user.click(button);
    await user.click(screen.getByRole("button", { name: "Elsewhere" }));
    expect(screen.queryByRole("menu")).toBeNull();
  });
});
