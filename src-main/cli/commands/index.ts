// Every `vnet` command, in the order `vnet --help` lists them.
import type { Command } from '../framework';
import { serveCommand } from './serve';
import { validateCommand } from './validate';
import { planCommand } from './plan';
import { applyCommand } from './apply';
import { statusCommand } from './status';
import { leasesCommand } from './leases';
import { doctorCommand } from './doctor';
import { downCommand } from './down';
import { servicesCommand } from './services';
import { adapterCommand } from './adapter';
import { confirmCommand, watchdogCommand } from './confirm';
import { importCommand } from './import';
import { exportCommand } from './export';
import { installServiceCommand } from './install-service';

export const commands: Command[] = [
  validateCommand,
  planCommand,
  applyCommand,
  confirmCommand,
  statusCommand,
  leasesCommand,
  doctorCommand,
  downCommand,
  servicesCommand,
  adapterCommand,
  watchdogCommand,
  importCommand,
  exportCommand,
  installServiceCommand,
  serveCommand,
];
