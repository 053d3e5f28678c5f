import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createProfileRegistry,
  departuresFromStandard,
  ProfileError,
  type ProfileRegistry,
  type ProtocolProfile,
  parseGemeenteProfiles,
  parseProfile,
} from '../calendar';

/*
 * Start-up loader for protocol profiles: reads <dir>/profiles/*.json and <dir>/gemeente-profiles.json,
 * validates them with the schemas in calendar/ and fails with the file and field that are wrong, so a
 * bad contract configuration stops the service before any workflow runs.
 */

/** This folder (config/), wherever the process was started from. */
export const defaultConfigDir = dirname(fileURLToPath(import.meta.url));

/** A path as people see it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProfileError(`${displayPath(file)}: cannot read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ProfileError(`${displayPath(file)}: invalid JSON: ${(err as Error).message}`);
  }
}

function loadProfileFile(file: string): ProtocolProfile {
  const profile = parseProfile(readJson(file), displayPath(file));
  const expected = basename(file, '.json');
  if (profile.id !== expected) {
    throw new ProfileError(
      `${displayPath(file)}: id: '${profile.id}' must match the file name ('${expected}')`,
    );
  }
  return profile;
}

function profileFiles(profilesDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(profilesDir);
  } catch (err) {
    throw new ProfileError(`${displayPath(profilesDir)}: cannot read profiles: ${(err as Error).message}`);
  }
  const files = names.filter((n) => n.endsWith('.json')).sort();
  if (files.length === 0) throw new ProfileError(`${displayPath(profilesDir)}: no profile files (*.json)`);
  return files.map((n) => join(profilesDir, n));
}

/**
 * Loads every profile and the municipality mapping from `dir` (default: this config/ folder).
 * Throws ProfileError naming the file and field on the first file that is wrong.
 */
export function loadProfiles(dir: string = defaultConfigDir): ProfileRegistry {
  const profiles = profileFiles(join(dir, 'profiles')).map(loadProfileFile);
  const mappingFile = join(dir, 'gemeente-profiles.json');
  const mapping = parseGemeenteProfiles(readJson(mappingFile), displayPath(mappingFile));
  return createProfileRegistry(profiles, mapping, displayPath(mappingFile));
}

/**
 * The start-up listing of each profile's local rules beside the standard's rules they replace (one line
 * each), so a contract's departures from iWmo 3.2 are in the log.
 */
export function profileDepartureLines(registry: ProfileRegistry): string[] {
  return [...registry.profiles.values()].flatMap((profile) =>
    departuresFromStandard(profile).map(
      (d) => `profile ${profile.id}: ${d.local} — replaces the standard's ${d.replaces}`,
    ),
  );
}
