export function loadOutsideCi<T>(load: () => Promise<T>): Promise<T>;
