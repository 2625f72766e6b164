/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app loads its UI from disk under a strict CSP: no remote content, relative asset paths.
export default defineConfig({
  plugins: [react()],
  base: "./",
  clearScreen: false,
  // src-tauri/tauri.conf.json loads the dev server from here.
  server: { port: 5173, strictPort: true },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
    testTimeout: 10000,
  },
});
