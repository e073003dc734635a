import 'reflect-metadata';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Describe } from './config-description.js';
import { absolutePath, allowedFolder, allowedFolders } from './absolute-path.js';
import { Satisfies } from './endpoint-config.js';

/** The config editor: the only process that writes config files, and only these. */
export class ConfigEditorConfig {
  @Describe('Folders (every file below them) and files the config editor may change; each is resolved to its real path at start. Empty: no edits at all.')
  @IsArray()
  @ArrayMaxSize(256)
  @ArrayUnique()
  @IsString({ each: true })
  @Satisfies('allowedFolders', allowedFolders)
  allowedPaths: string[] = [];

  @Describe('Folder holding the secret files an edit may reference as { secretFile: name }; read at apply time, never published. null: edits may not reference secrets.')
  @IsOptional()
  @IsString()
  @Satisfies('allowedFolder', allowedFolder)
  secretsFolder: string | null = null;

  @Describe('Folder for the timestamped backups (mode 0600); null: beside the file they copy.')
  @IsOptional()
  @IsString()
  @Satisfies('allowedFolder', allowedFolder)
  backupFolder: string | null = null;

  @Describe('Backups kept per file (the newest is always kept).')
  @IsInt()
  @Min(1)
  @Max(1000)
  backupsKept = 10;

  @Describe('Backups older than this many days are deleted (the newest is always kept).')
  @IsInt()
  @Min(1)
  @Max(3650)
  backupMaxAgeDays = 30;

  @Describe('Deadline of one apply request, in seconds: past it before the file is replaced, the edit stops with nothing changed.')
  @IsInt()
  @Min(1)
  @Max(600)
  applyTimeoutSeconds = 30;

  @Describe('Deadline of one validation or health check, in seconds (caddy validate).')
  @IsInt()
  @Min(1)
  @Max(300)
  checkTimeoutSeconds = 10;

  @Describe("Caddy's admin API on loopback (http://127.0.0.1:2019). Set: a changed Caddyfile is loaded through it and the edit rolled back if Caddy refuses it. null: Caddyfiles get no health check.")
  @IsOptional()
  @IsString()
  @Matches(/^http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost):\d{1,5}$/u, { message: 'must be http://127.0.0.1:<port>, http://[::1]:<port> or http://localhost:<port>' })
  caddyAdminUrl: string | null = null;

  @Describe('The caddy binary used for caddy validate: an absolute path, never looked up on PATH.')
  @IsString()
  @Satisfies('absolutePath', absolutePath)
  caddyBinary = '/usr/bin/caddy';
}
