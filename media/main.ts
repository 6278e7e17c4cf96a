// Webview entry (plots and the G2L2 chart); filled in by the results issue.
export {};
