import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Built into dist/ and served by the gateway itself: /, and /assets/ for the rest.
export default defineConfig({
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets", sourcemap: false },
});
