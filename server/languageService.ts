// The contract between the LSP connection (server.ts) and each language (tlab/, clevr/). server.ts
// owns the connection and document sync and dispatches every request to the language of the document;
// a language implements whatever features it supports. All positions are LSP positions.
import type * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SolverRunner } from './engine/runner';

/** Shared semantic-token legend (both languages use the same one; the client learns it at init). */
export const semanticTokenTypes = [
  'keyword', 'variable', 'function', 'parameter', 'property', 'number', 'string', 'operator',
  'type', 'enumMember', 'namespace', 'comment', 'macro',
] as const;
export const semanticTokenModifiers = ['declaration', 'readonly', 'defaultLibrary', 'modification'] as const;

export interface ServerContext {
  runner: SolverRunner;
  /** Workspace folders as file-system paths: files outside them are never read. */
  workspaceRoots(): string[];
  /**
   * Reads a workspace file (imports, scene/question JSON). Throws a clear error for a path outside the
   * workspace or a missing file. Prefers an open editor's text over the disk.
   */
  readWorkspaceFile(fromUri: string, relativePath: string): { uri: string; text: string };
  /** Whether the workspace is trusted: solvers do not run automatically otherwise. */
  trusted(): boolean;
  /** Asks the client to re-request diagnostics, lenses, hints (results arrived). */
  refresh(uri: string): void;
  log(message: string): void;
  /** Whether cluster runs are configured (theorylab.cluster.backend = slurm): adds "Run on cluster" lenses. */
  clusterEnabled?(): boolean;
}

export interface LanguageFeatures {
  languageId: string;
  diagnostics(doc: TextDocument, ctx: ServerContext): lsp.Diagnostic[] | Promise<lsp.Diagnostic[]>;
  hover?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Hover | null | Promise<lsp.Hover | null>;
  completion?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.CompletionItem[] | Promise<lsp.CompletionItem[]>;
  signatureHelp?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.SignatureHelp | null;
  semanticTokens?(doc: TextDocument, ctx: ServerContext): lsp.SemanticTokens;
  documentSymbols?(doc: TextDocument, ctx: ServerContext): lsp.DocumentSymbol[];
  foldingRanges?(doc: TextDocument, ctx: ServerContext): lsp.FoldingRange[];
  definition?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Location[] | null;
  references?(doc: TextDocument, pos: lsp.Position, includeDeclaration: boolean, ctx: ServerContext): lsp.Location[];
  prepareRename?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Range | null;
  rename?(doc: TextDocument, pos: lsp.Position, newName: string, ctx: ServerContext): lsp.WorkspaceEdit | null;
  formatting?(doc: TextDocument, options: lsp.FormattingOptions, ctx: ServerContext): lsp.TextEdit[];
  codeActions?(doc: TextDocument, range: lsp.Range, diagnostics: lsp.Diagnostic[], ctx: ServerContext): lsp.CodeAction[];
  codeLenses?(doc: TextDocument, ctx: ServerContext): lsp.CodeLens[];
  inlayHints?(doc: TextDocument, range: lsp.Range, ctx: ServerContext): lsp.InlayHint[];
  /** Called when the document closes, to drop caches. */
  close?(uri: string): void;
}
