// jsdom lacks the layout APIs React Flow measures with; these stand-ins report nothing laid
// out, which is all the component tests need (the graph is tested in Chromium).
import { cleanup } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}

const g = globalThis as Record<string, unknown>;
g.ResizeObserver ??= ResizeObserverStub;
g.DOMMatrixReadOnly ??= class {
  m22 = 1;
  constructor(_transform?: string) {}
};

afterEach(() => {
  cleanup();
  clearMocks();
});
