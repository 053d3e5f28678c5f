import { dirname, join } from 'node:path';
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
import { checkIdIsFileName, displayPath, jsonFiles, readJson } from './files';

/*
 * Start-up loader for protocol profiles: reads <dir>/profiles/*.json and <dir>/gemeente-profiles.json,
 * validates them with the schemas in calendar/ and fails with the file and field that are wrong, so a
 * bad contract configuration stops the service before any workflow runs.
 */

/** This folder (config/), wherever the process was started from. */
export const defaultConfigDir = dirname(fileURLToPath(import.meta.url));

function loadProfileFile(file: string): ProtocolProfile {
  const profile = parseProfile(readJson(file, ProfileError), displayPath(file));
  checkIdIsFileName(profile.id, file, ProfileError);
  return profile;
}

function profileFiles(profilesDir: string): string[] {
  const files = jsonFiles(profilesDir, 'profiles', ProfileError);
  if (files.length === 0) throw new ProfileError(`${displayPath(profilesDir)}: no profile files (*.json)`);
  return files;
}

/**
 * Loads every profile and the municipality mapping from `dir` (default: this config/ folder).
 * Throws ProfileError naming the file and field on the first file that is wrong.
 */
export function loadProfiles(dir: string = defaultConfigDir): ProfileRegistry {
  const profiles = profileFiles(join(dir, 'profiles')).map(loadProfileFile);
  const mappingFile = join(dir, 'gemeente-profiles.json');
  const mapping = parseGemeenteProfiles(readJson(mappingFile, ProfileError), displayPath(mappingFile));
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
