// `etbench setup`: prepares what other commands need; today the Python environment.
//
//   import { parseSetupArgs, setup } from './cli/setup/index.js';
//
//   const options = parseSetupArgs(['python']);   // null for --help
//   if (options !== null) await setup(options);    // streams the installer's messages to stderr

export { SETUP_HELP, SETUP_TARGETS, SetupFailedError, parseSetupArgs, setup, type SetupOptions, type SetupTarget } from './setup.js';
