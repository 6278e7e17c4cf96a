// Entry of the solver host process (forked by the language server and the CLI); implemented by the
// engine issue. Until then solvers run in-process through InProcessRunner.
export {};
