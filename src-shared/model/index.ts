export * from './schema';
export * from './errors';
export * from './validate';
export * from './defaults';
export {
  interfaceNameProblem,
  textProblem,
  clip,
  NAME_PATTERN,
  HOSTNAME_PATTERN,
  LEASE_MIN,
  LEASE_MAX,
  LABEL_MAX,
  DESCRIPTION_MAX,
  MTU_MIN,
  MTU_MAX,
  BOOT_FILE_MAX,
  domainProblem,
  bootFileProblem,
  mtuProblem,
} from './rules';
export * as ip from './ip';
export * as ip6 from './ip6';
