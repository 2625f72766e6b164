import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import type { SignInFinished, SignInWaiting } from "../../api/types";
import { SignInBanner } from "./SignInBanner";

const waiting: SignInWaiting = {
  stepId: "signin",
  server: "Baton lab token service",
  url: "http://127.0.0.1:8693/authorize?response_type=code&client_id=signin-app",
  device: null,
  browserError: null,
};

/** The banner with mocked commands and events; returns the commands it invoked. */
async function renderBanner() {
  const calls: string[] = [];
  mockIPC(
    (cmd) => {
      calls.push(cmd);
      if (cmd === "cancel_sign_in" || cmd === "open_sign_in_again") return true;
    },
    { shouldMockEvents: true },
  );
  render(<SignInBanner />);
  // Let the listeners register before anything is emitted.
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
  return calls;
}

describe("The sign-in banner", () => {
  it("shows where to sign in while a step waits, and Cancel asks the app to end the wait", async () => {
    const user = userEvent.setup();
    const calls = await renderBanner();
    expect(screen.queryByRole("region", { name: "Sign-in waiting" })).toBeNull();

    await act(() => emit("sign-in-waiting", waiting));
    const banner = await screen.findByRole("region", { name: "Sign-in waiting" });
    expect(banner.textContent).toContain("Waiting for you to sign in at Baton lab token service in your browser");
    expect((screen.getByLabelText("Sign-in address") as HTMLInputElement).value).toBe(waiting.url);

    await user.click(screen.getByRole("button", { name: "Open again" }));
    await user.click(screen.getByRole("button", { name: "Cancel sign-in" }));
    expect(calls).toEqual(["open_sign_in_again", "cancel_sign_in"]);
    expect(screen.getByRole("button", { name: "Cancelling…" })).toHaveProperty("disabled", true);
  });

  it("goes away when the sign-in has finished", async () => {
    await renderBanner();
    await act(() => emit("sign-in-waiting", waiting));
    await screen.findByRole("region", { name: "Sign-in waiting" });
    const finished: SignInFinished = { stepId: "signin" };
    await act(() => emit("sign-in-finished", finished));
    await waitFor(() => expect(screen.queryByRole("region", { name: "Sign-in waiting" })).toBeNull());
  });

  it("shows a device's user code, and says when no browser opened", async () => {
    await renderBanner();
    await act(() =>
      emit("sign-in-waiting", {
        ...waiting,
        url: "http://127.0.0.1:8693/device",
        device: { userCode: "WDJB-MJHT", verificationUri: "http://127.0.0.1:8693/device", verificationUriComplete: null, expiresIn: 600 },
        browserError: "No such file or directory (os error 2)",
      } satisfies SignInWaiting),
    );
    const banner = await screen.findByRole("region", { name: "Sign-in waiting" });
    expect(banner.textContent).toContain("enter the code WDJB-MJHT");
    expect(screen.getByRole("alert").textContent).toContain("The browser did not open (No such file or directory (os error 2))");
  });
});
