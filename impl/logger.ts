export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, message: string) => void;

/** `true`: everything to the console; `false`: nothing; default: warnings and errors. */
export function makeLogger(option: boolean | Logger | undefined, label: string): Logger {
  if (typeof option === "function") return option;
  const levels: LogLevel[] = option === true ? ["debug", "info", "warn", "error"] : option === false ? [] : ["warn", "error"];
  return (level, message) => {
    if (!levels.includes(level)) return;
    const line = `[mps3${label ? ` ${label}` : ""}] ${message}`;
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
}
