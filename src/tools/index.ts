/** The tools the model calls and the jail the runner draws around a candidate. */
export type { ToolResult } from './types.ts';
export { BashSession, BASH_TOOL, DEFAULT_BASH_TIMEOUT_MS, type BashSessionOptions } from './bash.ts';
export { TextEditor, editorTool, EDITOR_TOOL_NAME, type TextEditorOptions } from './editor.ts';
export * from './sandbox/index.ts';
