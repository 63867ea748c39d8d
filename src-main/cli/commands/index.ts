// Every `vnet` command, in the order `vnet --help` lists them.
import type { Command } from '../framework';
import { serveCommand } from './serve';
import { validateCommand } from './validate';
import { adapterCommand } from './adapter';
import { confirmCommand, watchdogCommand } from './confirm';
import { importCommand } from './import';
import { exportCommand } from './export';
import { installServiceCommand } from './install-service';

export const commands: Command[] = [validateCommand, confirmCommand, adapterCommand, watchdogCommand, importCommand, exportCommand, installServiceCommand, serveCommand];
