// Every `vnet` command, in the order `vnet --help` lists them.
import type { Command } from '../framework';
import { validateCommand } from './validate';

export const commands: Command[] = [validateCommand];
