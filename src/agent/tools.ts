/** The real tools from src/tools (bash and the text editor), as the agent's Toolbox. */
import { BASH_TOOL, BashSession } from '../tools/bash.ts';
import { TextEditor, editorTool } from '../tools/editor.ts';
import { BASH, EDITOR, type Toolbox, type ToolDefinition } from './toolbox.ts';

export interface ToolboxOptions {
  /** Per bash command. */
  commandTimeoutMs: number;
  /** What the editor shows of a file at most; long files are read in ranges. */
  maxCharacters: number;
}

export function createToolbox(workspace: string, options: ToolboxOptions): Toolbox {
  const bash = new BashSession({ cwd: workspace, timeoutMs: options.commandTimeoutMs });
  const editor = new TextEditor({ root: workspace, maxCharacters: options.maxCharacters });
  return {
    definitions: [BASH_TOOL, editorTool(options.maxCharacters)] as ToolDefinition[],
    run(name, input) {
      if (name === BASH) return bash.run(input);
      if (name === EDITOR) return editor.run(input);
      return Promise.resolve({ content: `Unknown tool '${name}'.`, isError: true });
    },
    close: () => bash.close(),
  };
}
