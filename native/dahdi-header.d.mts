// Types of native/dahdi-header.mjs for the TypeScript tests.
export declare const ABSENT_REASON: string;
export declare function dahdiInclude(): string | null;
