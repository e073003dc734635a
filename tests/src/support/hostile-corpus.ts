/** A command substitution that would print this if any shell ever ran it. */
const CORPUS_SECRET = 'Canary-7f3a9c/secret+value=';

/** 100+ arguments a user, a config file or a message could try to smuggle into a command line. */
export function hostileCorpus(pwned: string): string[] {
  const touch = `touch ${pwned}`;
  const metacharacters = [';', '|', '||', '&', '&&', '>', '>>', '<', '<<', '*', '?', '[a-z]', '{a,b}', '~', '!', '#', '\\', "'", '"', '`', '$', '(', ')', '%', '^'];
  const injections = [
    `$(${touch})`, `\`${touch}\``, `;${touch}`, `; ${touch}`, `| ${touch}`, `&& ${touch}`, `|| ${touch}`, `& ${touch} &`,
    `> ${pwned}`, `>> ${pwned}`, `< /etc/passwd`, `$((1+1))`, '${PATH}', '$PATH', '${IFS}', `a$(${touch})b`, `'$(${touch})'`,
    `"$(${touch})"`, `\\$(${touch})`, `$'\\x41'`, '*', '/*', '../../etc/passwd', '%2e%2e%2f', '%00', '%0a', `${touch}`,
    `x;${touch};x`, `{${touch},}`, `$(<${pwned})`, '<(id)', '>(id)', `$(echo ${CORPUS_SECRET})`,
  ];
  const dashes = [
    '-', '--', '-query', '--query', '-force', '--file=/etc/shadow', '-file=/etc/shadow', '--opt=', '-o', '-daemon=0', '--help', '---x',
    '-\u0000x', ' -query', '\t-query', '\u2010query', '\u2011query', '\u2012query', '\u2013query', '\u2014query', '\u2015query',
    '\u2212query', '\ufe58query', '\ufe63query', '\uff0dquery',
  ];
  const controls = [
    'a\nb', 'a\rb', 'a\r\nb', 'a\0b', '\0', 'a\u0007b', 'a\u001b[31mb', 'a\u007fb', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\tb', 'a\u000bb', 'a\u000cb',
    `x\n${touch}`, `x\0${touch}`,
  ];
  const oddities = [
    'a'.repeat(4096), 'a'.repeat(4097), 'é'.repeat(2049), '\u202eevil', 'name with spaces', ' ', 'ünïcødé', '日本語', '🙂', 'a=b', 'host.example.org',
    '/etc/ddclient.conf', 'C:\\Windows', '\\\\server\\share', '"quoted"', "'single'", '$', '`', 'null', 'undefined', '0', '', '%s%s%s%n',
  ];
  return [...metacharacters, ...injections, ...dashes, ...controls, ...oddities];
}
