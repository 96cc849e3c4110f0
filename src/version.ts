// The aicost version recorded in manifests and reports.
export const VERSION = '0.1.0';
