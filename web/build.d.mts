/** web/dist, where the console is built and served from. */
export const DIST: string;
/** Builds the console (esbuild bundles + static files) into outdir; returns it. */
export function buildConsole(o?: { outdir?: string; minify?: boolean }): Promise<string>;
