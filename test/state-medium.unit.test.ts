import { describe, expect, it } from "vitest";
import { fileSystemOf } from "../bench/support/state-medium";

const MOUNTS = [
  "/dev/vda / ext4 rw,relatime 0 0",
  "tmpfs /dev/shm tmpfs rw,relatime,size=24683584k 0 0",
  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
  "tmpfs /tmpfast tmpfs rw 0 0",
].join("\n");

describe("where the benchmarks' state lives", () => {
  it("answers the longest mount point that holds the directory", () => {
    expect(fileSystemOf("/tmp", MOUNTS)).toBe("ext4");
    expect(fileSystemOf("/dev/shm", MOUNTS)).toBe("tmpfs");
    expect(fileSystemOf("/dev/shm/rides-state-1", MOUNTS)).toBe("tmpfs");
  });

  it("does not take a mount point for a prefix of a longer name", () => {
    expect(fileSystemOf("/tmpfastish", MOUNTS)).toBe("ext4");
    expect(fileSystemOf("/tmpfast/x", MOUNTS)).toBe("tmpfs");
  });

  it("knows nothing without mounts", () => {
    expect(fileSystemOf("/tmp", "")).toBeUndefined();
  });
});
