package i18n

// catalog is every message netstar itself says, by key: its English
// text, then its Spanish one.
//
// For translators: each text is a format of Go's fmt package. %s, %v,
// %q and %d stand for a value netstar fills in (a file name, an error, a
// number); %[1]s is the first value again, wherever it is used; %% is a
// literal percent sign; \n ends a line and \t separates the columns of a
// table. Keep every verb of the English text, in any order (%[2]s names
// the second value). Python's own error messages (ValueError: ...,
// SyntaxError: ...) are not here on purpose: they stay as Python prints
// them. A new language is one more column here and one more Lang.
var catalog = map[string][2]string{
	// The REPL.
	"repl.banner": {
		"netstar %s — Starlark with Python's socket API. help() for help, Ctrl-D to exit.\n",
		"netstar %s — Starlark con la API de sockets de Python. help() para ayuda, Ctrl-D para salir.\n",
	},
	"repl.translated": {
		"(Python translated to netstar and run)",
		"(Python traducido a netstar y ejecutado)",
	},

	// netstar's usage (netstar -h). %[1]s is how the user runs netstar.
	"cli.synopsis": {
		"usage: %[1]s [-i] [FILE.star | FILE.py | - | -c CODE] [ARGS...]\n" +
			"       %[1]s translate FILE.py|FILE.ipynb [-o FILE.star]\n" +
			"       %[1]s step NOTEBOOK.ipynb|FILE.py [--all]\n" +
			"       %[1]s scan TARGETS... [-p PORTS] [--shard I/N --seed S] [-oJ|-oX|-oG FILE] ...\n" +
			"       %[1]s merge FILES... [-oJ|-oX|-oG FILE]\n",
		"uso: %[1]s [-i] [ARCHIVO.star | ARCHIVO.py | - | -c CÓDIGO] [ARGS...]\n" +
			"     %[1]s translate ARCHIVO.py|ARCHIVO.ipynb [-o ARCHIVO.star]\n" +
			"     %[1]s step CUADERNO.ipynb|ARCHIVO.py [--all]\n" +
			"     %[1]s scan OBJETIVOS... [-p PUERTOS] [--shard I/N --seed S] [-oJ|-oX|-oG ARCHIVO] ...\n" +
			"     %[1]s merge ARCHIVOS... [-oJ|-oX|-oG ARCHIVO]\n",
	},
	// A table: the command, \t, what it does. A line that starts with
	// \t continues the description above it.
	"cli.commands": {
		"%[1]s\tstart the interactive shell (REPL); if standard\n" +
			"\tinput is not a terminal, run the program it holds\n" +
			"%[1]s FILE.star ARGS\trun a script (sys.argv = [FILE.star, ARGS...])\n" +
			"%[1]s FILE.py ARGS\trun a Python script as written (translated in memory)\n" +
			"%[1]s - ARGS\trun the program on standard input (Python or netstar)\n" +
			"%[1]s -c CODE ARGS\trun CODE (sys.argv = [\"-c\", ARGS...])\n" +
			"%[1]s -i FILE.star\trun a script, then stay interactive\n" +
			"%[1]s --version\tprint the version\n" +
			"%[1]s translate FILE\tprint the netstar version of a Python script or notebook\n" +
			"%[1]s step NOTEBOOK\trun a notebook cell by cell (Enter runs, s skips,\n" +
			"\tr reruns, q quits; --all runs straight through)\n" +
			"%[1]s scan -h\tthe non-interactive scanner: shards, resume, rate\n" +
			"\tlimits, JSON Lines and nmap-compatible XML output\n" +
			"%[1]s merge -h\tjoin shard outputs into one\n" +
			"%[1]s report -h\tone HTML page (charts, sortable table) from a scan\n" +
			"%[1]s serve -h\tserve a directory over HTTP, as python3 -m http.server\n" +
			"%[1]s kernel install\tinstall netstar as a Jupyter kernel (then pick \"netstar\"\n" +
			"\tin Jupyter); kernel uninstall removes it",
		"%[1]s\tinicia el intérprete interactivo (REPL); si la entrada\n" +
			"\testándar no es un terminal, ejecuta el programa que contiene\n" +
			"%[1]s ARCHIVO.star ARGS\tejecuta un script (sys.argv = [ARCHIVO.star, ARGS...])\n" +
			"%[1]s ARCHIVO.py ARGS\tejecuta un script de Python tal cual (traducido en memoria)\n" +
			"%[1]s - ARGS\tejecuta el programa de la entrada estándar (Python o netstar)\n" +
			"%[1]s -c CÓDIGO ARGS\tejecuta CÓDIGO (sys.argv = [\"-c\", ARGS...])\n" +
			"%[1]s -i ARCHIVO.star\tejecuta un script y después sigue en modo interactivo\n" +
			"%[1]s --version\tmuestra la versión\n" +
			"%[1]s translate ARCHIVO\tmuestra la versión netstar de un script o cuaderno de Python\n" +
			"%[1]s step CUADERNO\tejecuta un cuaderno celda a celda (Enter ejecuta, s salta,\n" +
			"\tr repite, q sale; --all lo ejecuta todo seguido)\n" +
			"%[1]s scan -h\tel escáner no interactivo: fragmentos, reanudación, límites\n" +
			"\tde velocidad, JSON Lines y XML compatible con nmap\n" +
			"%[1]s merge -h\tune en una sola las salidas de los fragmentos\n" +
			"%[1]s report -h\tuna página HTML (gráficos, tabla ordenable) de un escaneo\n" +
			"%[1]s serve -h\tsirve un directorio por HTTP, como python3 -m http.server\n" +
			"%[1]s kernel install\tinstala netstar como núcleo de Jupyter (luego elige\n" +
			"\t\"netstar\" en Jupyter); kernel uninstall lo quita",
	},
	"cli.environment": {
		"\nEnvironment:\n" +
			"  NETSTAR_PATH      directories (separated by ':') where load() looks for .star files\n" +
			"  NETSTAR_HISTORY   the REPL's history file (default ~/.netstar_history)\n" +
			"  NETSTAR_RESOLVER  a DNS server (host:port) for every lookup, for labs and tests\n" +
			"  LANG              es_ES.UTF-8 (any es*) shows netstar's messages in Spanish\n" +
			"                    (LC_ALL, then LC_MESSAGES, take precedence over LANG)\n" +
			"\nExit status: 0 ok, 1 uncaught error, 2 usage error, n for exit(n),\n" +
			"130 after Ctrl-C, 143 after SIGTERM.\n",
		"\nEntorno:\n" +
			"  NETSTAR_PATH      directorios (separados por ':') donde load() busca archivos .star\n" +
			"  NETSTAR_HISTORY   el archivo de historial del REPL (por omisión ~/.netstar_history)\n" +
			"  NETSTAR_RESOLVER  un servidor DNS (host:puerto) para todas las consultas, para laboratorios y pruebas\n" +
			"  LANG              es_ES.UTF-8 (cualquier es*) muestra los mensajes de netstar en español\n" +
			"                    (LC_ALL, y después LC_MESSAGES, mandan sobre LANG)\n" +
			"\nEstado de salida: 0 bien, 1 error no capturado, 2 error de uso, n con exit(n),\n" +
			"130 tras Ctrl-C, 143 tras SIGTERM.\n",
	},

	// netstar's own errors on the command line.
	"cli.flag.undefined":   {"flag provided but not defined: %s", "opción no definida: %s"},
	"cli.flag.needsArg":    {"flag needs an argument: %s", "a la opción %s le falta un argumento"},
	"cli.flag.unknown":     {"unknown flag %s", "opción desconocida %s"},
	"cli.interactiveNeeds": {"-i needs a FILE or -c CODE", "-i necesita un ARCHIVO o -c CÓDIGO"},
	"cli.readingStdin":     {"reading standard input: %v", "al leer la entrada estándar: %v"},
	"cli.cantOpen":         {"can't open file '%s': %v", "no se puede abrir el archivo '%s': %v"},
	"cli.tooLarge":         {"larger than %d MiB: not a program", "ocupa más de %d MiB: no es un programa"},
	// The system's reasons for a failed open, as the C library words
	// them.
	"errno.ENOENT":  {"no such file or directory", "no existe el archivo o el directorio"},
	"errno.EACCES":  {"permission denied", "permiso denegado"},
	"errno.EISDIR":  {"is a directory", "es un directorio"},
	"errno.ENOTDIR": {"not a directory", "no es un directorio"},

	// What follows a syntax error in a netstar program that is Python.
	// %s is the netstar version of the program.
	"hint.python.inline": {
		"hint: this is Python that netstar does not run as it is; in netstar it reads:\n\n%s",
		"pista: esto es Python que netstar no ejecuta tal cual; en netstar se escribe así:\n\n%s",
	},
	// %[1]s is how the user runs netstar, %[2]s the file.
	"hint.python.file": {
		"hint: this is Python that netstar does not run as it is; `%[1]s translate %[2]s` shows the netstar version\n",
		"pista: esto es Python que netstar no ejecuta tal cual; `%[1]s translate %[2]s` muestra la versión netstar\n",
	},

	// A .py file with constructs netstar cannot translate.
	"todo.header": {
		"netstar: %s is Python that netstar cannot run as it is; nothing was run:\n",
		"netstar: %s es Python que netstar no puede ejecutar tal cual; no se ha ejecutado nada:\n",
	},
	"todo.instead": {"    instead: %s\n", "    en su lugar: %s\n"},
	"todo.see":     {"    see %s#%s\n", "    véase %s#%s\n"},
	"todo.advice.try": {
		"write the try block as a function and run it with res, err = catch(f, args...)",
		"escribe el bloque try como una función y ejecútala con res, err = catch(f, args...)",
	},
	"todo.advice.classes": {
		"keep the object's values in a dict and write its methods as functions that take it",
		"guarda los valores del objeto en un dict y escribe sus métodos como funciones que lo reciben",
	},
	"todo.advice.modules": {
		"use one of netstar's modules (modules() lists them)",
		"usa uno de los módulos de netstar (modules() los lista)",
	},
	"todo.advice.global": {
		"keep the value in a dict or a list and change it in place",
		"guarda el valor en un dict o una lista y cámbialo ahí mismo",
	},
	"todo.advice.builtins": {
		"help() lists netstar's builtins",
		"help() lista las funciones integradas de netstar",
	},
	"todo.advice.formatting": {
		`use "{}".format(x) or the %% operator`,
		`usa "{}".format(x) o el operador %%`,
	},
	"todo.advice.with": {
		"assign the value, use it, and call close() yourself",
		"asigna el valor, úsalo y llama tú a close()",
	},

	// netstar translate. %s is how the user runs netstar.
	"translate.usage": {
		"usage: %s translate FILE.py|FILE.ipynb [-o FILE.star]\n" + `
Prints the netstar version of a Python script or Jupyter notebook (or
writes it to -o FILE). What netstar cannot run is kept as a comment under
a "# TODO(netstar)" line; their count goes to stderr.

Exit status: 0 translated (even with TODOs); 1 the input is not Python
or not a notebook (the other cells of a notebook are still translated);
2 usage error.
`,
		"uso: %s translate ARCHIVO.py|ARCHIVO.ipynb [-o ARCHIVO.star]\n" + `
Muestra la versión netstar de un script o un cuaderno Jupyter de Python
(o la escribe en -o ARCHIVO). Lo que netstar no puede ejecutar queda como
comentario bajo una línea "# TODO(netstar)"; cuántos hay sale por stderr.

Estado de salida: 0 traducido (aunque haya TODO); 1 la entrada no es
Python o no es un cuaderno (las demás celdas de un cuaderno se traducen
igualmente); 2 error de uso.
`,
	},
	"translate.needsOutput": {"-o needs a file name", "-o necesita un nombre de archivo"},
	"translate.oneFile":     {"one file at a time (got %s and %s)", "un archivo cada vez (se recibieron %s y %s)"},
	"translate.missing":     {"missing FILE.py or FILE.ipynb", "falta ARCHIVO.py o ARCHIVO.ipynb"},

	// netstar step. %s is how the user runs netstar.
	"step.usage": {
		"usage: %s step NOTEBOOK.ipynb|SCRIPT.py [--all] [ARGS...]\n" + `
(--all may come anywhere; the other words after the file are sys.argv[1:].)

Runs a notebook cell by cell (a script paragraph by paragraph) the way a
student works through it: each cell is shown in Python beside its netstar
translation; Enter runs it, s skips it, r runs the previous cell again,
q quits. Globals carry from one cell to the next. With --all every cell
runs without asking (for CI and tests).

Exit status: 0 done; 1 the file could not be read or translated, or a
cell failed (with --all); n from exit(n); 2 usage error.
`,
		"uso: %s step CUADERNO.ipynb|SCRIPT.py [--all] [ARGS...]\n" + `
(--all puede ir en cualquier sitio; las demás palabras tras el archivo son sys.argv[1:].)

Ejecuta un cuaderno celda a celda (un script párrafo a párrafo) como lo
recorre un estudiante: cada celda se muestra en Python junto a su
traducción a netstar; Enter la ejecuta, s la salta, r vuelve a ejecutar
la celda anterior, q sale. Las variables globales pasan de una celda a
la siguiente. Con --all todas las celdas se ejecutan sin preguntar (para
CI y pruebas).

Estado de salida: 0 terminado; 1 no se pudo leer o traducir el archivo,
o falló una celda (con --all); n con exit(n); 2 error de uso.
`,
	},
	"step.missing":    {"missing NOTEBOOK.ipynb or SCRIPT.py", "falta CUADERNO.ipynb o SCRIPT.py"},
	"step.cell":       {"── cell %d ──", "── celda %d ──"},
	"step.prompt":     {"[Enter] run · s skip · r rerun the previous · q quit > ", "[Enter] ejecutar · s saltar · r repetir la anterior · q salir > "},
	"step.noPrevious": {"(no previous cell)", "(no hay celda anterior)"},
	"step.keys":       {"Enter, s, r or q", "Enter, s, r o q"},
	"step.cannotRun":  {"cell %d cannot run: %v", "la celda %d no se puede ejecutar: %v"},
	// The file name of a cell in tracebacks: %s is the notebook, %d the
	// cell's number.
	"step.cellFile": {"%s:cell%d", "%s:celda%d"},

	// help().
	"help.intro": {
		"netstar: a scriptable network shell (Starlark with Python's socket API).\n\n" +
			"help(x) shows the documentation of a module, function or method;\n" +
			"dir(x) lists its members.\n\n",
		"netstar: un intérprete de red programable (Starlark con la API de sockets de Python).\n\n" +
			"help(x) muestra la documentación de un módulo, una función o un método;\n" +
			"dir(x) lista sus miembros.\n\n",
	},
	"help.column.module":      {"MODULE", "MÓDULO"},
	"help.column.description": {"DESCRIPTION", "DESCRIPCIÓN"},
	// %s is the list of builtins.
	"help.builtins": {
		"\nBuilt-in functions: %s,\nand Starlark's own (len, range, dir, sorted, ...).",
		"\nFunciones integradas: %s,\ny las propias de Starlark (len, range, dir, sorted, ...).",
	},
	"help.notFound":    {"No documentation found for %q. Try help() for a list.", "No hay documentación para %q. Prueba help() para ver la lista."},
	"help.noDoc":       {"%s(...): built-in function (no documentation)", "%s(...): función integrada (sin documentación)"},
	"help.noDocstring": {"(no docstring)", "(sin docstring)"},
	// %s is a type name: "socket value".
	"help.value": {"%s value", "valor %s"},
	"help.attrs": {"attributes and methods: %s", "atributos y métodos: %s"},
	// A module's help, as man pages lay it out: %[1]s is the module's
	// name, %[2]s its one-line description.
	"help.module":      {"Help on module %[1]s:\n\nNAME\n    %[1]s - %[2]s\n", "Ayuda del módulo %[1]s:\n\nNOMBRE\n    %[1]s - %[2]s\n"},
	"help.description": {"\nDESCRIPTION\n    %s\n", "\nDESCRIPCIÓN\n    %s\n"},
	"help.functions":   {"\nFUNCTIONS\n%s\n", "\nFUNCIONES\n%s\n"},
	"help.data":        {"\nDATA\n%s\n", "\nDATOS\n%s\n"},

	// The interpreter's own errors (repl/interp). "cannot load %s" starts
	// the error of a failed load(): %s is the name given to load().
	"load.cannot": {"cannot load %s", "no se puede cargar %s"},
	// %s lists the directories searched.
	"load.notFound":   {"not found in %s (NETSTAR_PATH)", "no se encuentra en %s (NETSTAR_PATH)"},
	"load.cycle":      {"cycle in load graph at %s", "ciclo en los load() al cargar %s"},
	"import.wantName": {"import: want a module name", "import: falta el nombre del módulo"},
	"import.notString": {
		"import: module name must be a string, not %s",
		"import: el nombre del módulo debe ser una cadena, no %s",
	},
	// A bug in netstar: %v is what went wrong.
	"internal.error": {"internal error: %v (please report it)", "error interno: %v (por favor, avísanos)"},
	// netstar translate's output (repl/translate): the header, a
	// notebook's cell headers, the TODO line above what it could not
	// translate (why, the guide, its section), and the reasons.
	// "TODO(netstar)" and "netstar translate" stay as they are: tools
	// look for them.
	"translate.header":         {"# Translated from %s by netstar translate.", "# Traducido de %s por netstar translate."},
	"translate.cellHeader":     {"# --- cell %d ---", "# --- celda %d ---"},
	"translate.todoLine":       {"# TODO(netstar): %s — see %s#%s", "# TODO(netstar): %s — véase %s#%s"},
	"translate.todoString":     {"%s: %s (see %s#%s)", "%s: %s (véase %s#%s)"},
	"translate.where.line":     {"line %d", "línea %d"},
	"translate.where.cell":     {"cell %d, line %d", "celda %d, línea %d"},
	"translate.magic":          {"(IPython magic: not run)", "(magia de IPython: no se ejecuta)"},
	"translate.shell":          {"(IPython shell command: not run)", "(orden de shell de IPython: no se ejecuta)"},
	"translate.nb.json":        {"%s: not a Jupyter notebook (invalid JSON: %v)", "%s: no es un cuaderno Jupyter (JSON no válido: %v)"},
	"translate.nb.noCellList":  {"%s: not a Jupyter notebook (no \"cells\" list)", "%s: no es un cuaderno Jupyter (no hay lista \"cells\")"},
	"translate.nb.format":      {"%s: nbformat %d is not supported (want 4; convert it with jupyter nbconvert --to notebook)", "%s: nbformat %d no está soportado (hace falta el 4; conviértelo con jupyter nbconvert --to notebook)"},
	"translate.nb.empty":       {"%s: the notebook has no cells", "%s: el cuaderno no tiene celdas"},
	"translate.nb.cell":        {"%s: cell %d", "%s: celda %d"},
	"translate.nb.source":      {"source is neither a string nor a list of strings", "el código no es ni una cadena ni una lista de cadenas"},
	"translate.todo.cellMagic": {"cell magic %%%%%s is not Python", "la magia de celda %%%%%s no es Python"},
	"translate.todo.yield": {
		"generators (yield) are not supported",
		"los generadores (yield) no están soportados",
	},
	"translate.todo.whileElse": {
		"while ... else is not supported",
		"while ... else no está soportado",
	},
	"translate.todo.forElse": {
		"for ... else is not supported",
		"for ... else no está soportado",
	},
	"translate.todo.replGlobal": {
		"global %s is rebound by a function typed in the REPL: later inputs would not see it (run the program from a .py file, or keep the value in a dict or list)",
		"global %s: la reasigna una función escrita en el REPL y las entradas siguientes no la verían (ejecuta el programa desde un archivo .py, o guarda el valor en un dict o una lista)",
	},
	"translate.todo.delVar": {
		"del of a variable or attribute is not supported",
		"del de una variable o un atributo no está soportado",
	},
	"translate.todo.delSlice": {
		"del of a slice is not supported",
		"del de un trozo (slice) no está soportado",
	},
	"translate.todo.stmtType": {
		"%T statements are not supported",
		"las sentencias %T no están soportadas",
	},
	"translate.todo.chainedAssign": {
		"chained assignment without a plain variable is not supported",
		"la asignación encadenada sin una variable simple no está soportada",
	},
	"translate.todo.augOp": {
		"the %s= operator is not supported",
		"el operador %s= no está soportado",
	},
	"translate.todo.classDecorator": {
		"class decorators are not supported",
		"los decoradores de clase no están soportados",
	},
	"translate.todo.metaclass": {
		"class %s: metaclasses and class keywords are not supported",
		"class %s: las metaclases y los argumentos con nombre de una clase no están soportados",
	},
	"translate.todo.oneBase": {
		"class %s: netstar classes have one base class",
		"class %s: las clases de netstar tienen una sola clase base",
	},
	"translate.todo.generatorFunc": {
		"generator function %s (yield) is not supported: return a list",
		"la función generadora %s (yield) no está soportada: devuelve una lista",
	},
	"translate.todo.outsideLoop": {
		"%s outside a loop",
		"%s fuera de un bucle",
	},
	"translate.todo.noModule": {
		"netstar has no module %s (it has %s)",
		"netstar no tiene el módulo %s (tiene %s)",
	},
	"translate.todo.relativeImport": {
		"relative imports are not supported",
		"las importaciones relativas no están soportadas",
	},
	"translate.todo.noMember": {
		"netstar's %s module has no %s",
		"el módulo %s de netstar no tiene %s",
	},
	"translate.todo.computedRaise": {
		"raise of a computed exception is not supported",
		"raise de una excepción calculada no está soportado",
	},
	"translate.todo.withPattern": {
		"with ... as with a pattern target is not supported",
		"with ... as con un patrón como destino no está soportado",
	},
	"translate.todo.starredAssign": {
		"starred assignment (a, *b = ...) is not supported",
		"la asignación con asterisco (a, *b = ...) no está soportada",
	},
	"translate.todo.assignTo": {
		"cannot assign to %T",
		"no se puede asignar a %T",
	},
	"translate.todo.dictStar": {
		"** in a dict display is not supported",
		"** dentro de un dict literal no está soportado",
	},
	"translate.todo.starHere": {
		"* unpacking here is not supported",
		"desempaquetar con * aquí no está soportado",
	},
	"translate.todo.ellipsis": {
		"... (Ellipsis) is not supported",
		"... (Ellipsis) no está soportado",
	},
	"translate.todo.exprType": {
		"%T expressions are not supported",
		"las expresiones %T no están soportadas",
	},
	"translate.todo.extSlice": {
		"extended slices are not supported",
		"los trozos (slices) extendidos no están soportados",
	},
	"translate.todo.untranslated": {
		"uses %s, which was not translated (%s)",
		"usa %s, que no se ha traducido (%s)",
	},
	"translate.todo.noBuiltin": {
		"netstar has no Python builtin %s()",
		"netstar no tiene la función integrada de Python %s()",
	},
	"translate.todo.operator": {
		"this operator is not supported",
		"este operador no está soportado",
	},
	"translate.todo.powRedefined": {
		"the ** operator needs netstar's pow(), which this program redefines",
		"el operador ** necesita el pow() de netstar, y este programa lo redefine",
	},
	"translate.todo.chainedCompare": {
		"chained comparison with a computed middle operand is not supported",
		"la comparación encadenada con un operando central calculado no está soportada",
	},
	"translate.todo.complex": {
		"complex numbers are not supported",
		"los números complejos no están soportados",
	},
	"translate.todo.computedExcept": {
		"except with a computed exception class is not supported",
		"except con una clase de excepción calculada no está soportado",
	},

	// netstar scan (cmd/internal/scancmd): its usage, its options' help
	// (scan.flag.NAME, NAME the option without dashes, in camelCase)
	// and its own messages. A word in backquotes (`ARCHIVO`) names the
	// option's value in the help's first column.
	"scan.usage": {
		"usage: netstar scan TARGETS... [-p PORTS|-F|--top-ports N] [--exclude-ports PORTS] [-iL FILE|-]\n" +
			"       [--exclude TARGETS] [--exclude-file FILE] [-6] [--timeout S] [--retries N] [--rate PPS]\n" +
			"       [--max-concurrency N] [--shard I/N] [--seed S] [--resume FILE] [-T0..5]\n" +
			"       [-Pn|-sn] [--unprivileged] [--disable-arp-ping] [--min-rtt-timeout S] [--initial-rtt-timeout S]\n" +
			"       [--max-rtt-timeout S] [--host-timeout S] [--min-rate PPS] [--max-rate PPS]\n" +
			"       [-oJ FILE|-] [-oX FILE|-] [-oG FILE|-] [-oN FILE|-] [-oA BASE] [--open] [--reason] [--banner] [-v|-vv]\n" +
			"\n" +
			"TCP connect scan of TARGETS × PORTS, streamed. Without -o options, JSON Lines go to stdout.\n" +
			"Targets: names, addresses, CIDR blocks, ranges and nmap's octet patterns (10.0.0.1-3,5 10.0-1.0.1).\n" +
			"Shards are 0-based: --shard 0/4 ... 3/4 (--shard /4 takes the index from JOB_COMPLETION_INDEX).\n" +
			"Exit codes: 0 done, 1 failed, 2 bad arguments (nothing probed), 3 interrupted (resumable with --resume),\n" +
			"4 done but some target names did not resolve (each is named on stderr).\n" +
			"Host names are resolved by the system's resolver, or by the DNS server NETSTAR_RESOLVER names (ip[:port]).\n" +
			"\n",
		"uso: netstar scan OBJETIVOS... [-p PUERTOS|-F|--top-ports N] [--exclude-ports PUERTOS] [-iL ARCHIVO|-]\n" +
			"       [--exclude OBJETIVOS] [--exclude-file ARCHIVO] [-6] [--timeout S] [--retries N] [--rate PPS]\n" +
			"       [--max-concurrency N] [--shard I/N] [--seed S] [--resume ARCHIVO] [-T0..5]\n" +
			"       [-Pn|-sn] [--unprivileged] [--disable-arp-ping] [--min-rtt-timeout S] [--initial-rtt-timeout S]\n" +
			"       [--max-rtt-timeout S] [--host-timeout S] [--min-rate PPS] [--max-rate PPS]\n" +
			"       [-oJ ARCHIVO|-] [-oX ARCHIVO|-] [-oG ARCHIVO|-] [-oN ARCHIVO|-] [-oA BASE] [--open] [--reason] [--banner] [-v|-vv]\n" +
			"\n" +
			"Escaneo TCP connect de OBJETIVOS × PUERTOS, en flujo. Sin opciones -o, JSON Lines va a stdout.\n" +
			"Objetivos: nombres, direcciones, bloques CIDR, rangos y los patrones de octetos de nmap (10.0.0.1-3,5 10.0-1.0.1).\n" +
			"Los fragmentos empiezan en 0: --shard 0/4 ... 3/4 (--shard /N toma el índice de JOB_COMPLETION_INDEX).\n" +
			"Códigos de salida: 0 hecho, 1 fallo, 2 argumentos incorrectos (nada sondeado), 3 interrumpido (se reanuda con --resume),\n" +
			"4 hecho pero algunos nombres de objetivo no se resolvieron (cada uno se nombra en stderr).\n" +
			"Los nombres los resuelve el resolvedor del sistema, o el servidor DNS que indique NETSTAR_RESOLVER (ip[:puerto]).\n" +
			"\n",
	},
	"scan.flag.p": {
		"ports: `SPEC` such as 22,80,443 or 1-1024 or - (all); given once, as nmap's",
		"puertos: `LISTA` como 22,80,443 o 1-1024 o - (todos); una sola vez, como en nmap",
	},
	"scan.flag.v": {
		"more progress on stderr: open ports as they are found, status lines (nmap's -v; -vv: more often, filtered ports too)",
		"más progreso en stderr: los puertos abiertos al encontrarlos, líneas de estado (el -v de nmap; -vv: más a menudo, y también los filtrados)",
	},
	"scan.flag.iL": {
		"read targets from `FILE` (- for stdin), one or more per line, # comments",
		"leer los objetivos de `ARCHIVO` (- para stdin), uno o más por línea, comentarios con #",
	},
	"scan.flag.excludeFile": {
		"do not probe the addresses, ranges and CIDR blocks in `FILE`",
		"no sondear las direcciones, rangos y bloques CIDR de `ARCHIVO`",
	},
	"scan.flag.exclude": {
		"do not probe these comma-separated `TARGETS`",
		"no sondear estos `OBJETIVOS` separados por comas",
	},
	"scan.flag.timeout": {
		"probe timeout in `SECONDS` (or a duration such as 500ms)",
		"tiempo de espera de un sondeo en `SEGUNDOS` (o una duración como 500ms)",
	},
	"scan.flag.retries": {
		"times an unanswered port is probed again",
		"veces que se vuelve a sondear un puerto que no responde",
	},
	"scan.flag.rate": {
		"most probes per second sent by this instance, retries included (0: no cap)",
		"máximo de sondeos por segundo que envía esta instancia, reintentos incluidos (0: sin límite)",
	},
	"scan.flag.maxConcurrency": {
		"most probes in flight (lowered to the descriptor limit)",
		"máximo de sondeos en vuelo (se baja al límite de descriptores)",
	},
	"scan.flag.shard": {
		"probe only shard `I/N` of the seeded walk (0-based; /N: I from JOB_COMPLETION_INDEX)",
		"sondear solo el fragmento `I/N` del recorrido con semilla (desde 0; /N: I de JOB_COMPLETION_INDEX)",
	},
	"scan.flag.seed": {
		"seed of the pseudo-random walk (`S`, required with --shard; random otherwise)",
		"semilla del recorrido pseudoaleatorio (`S`, obligatoria con --shard; si no, al azar)",
	},
	"scan.flag.resume": {
		"checkpoint `FILE`: continue the scan it records, or start it",
		"`ARCHIVO` de punto de control: continúa el escaneo que registra, o lo empieza",
	},
	"scan.flag.oJ": {
		"write JSON Lines to `FILE` (- for stdout)",
		"escribir JSON Lines en `ARCHIVO` (- para stdout)",
	},
	"scan.flag.oX": {
		"write nmap XML to `FILE` (- for stdout)",
		"escribir XML de nmap en `ARCHIVO` (- para stdout)",
	},
	"scan.flag.oG": {
		"write nmap grepable output to `FILE` (- for stdout)",
		"escribir la salida grepable de nmap en `ARCHIVO` (- para stdout)",
	},
	"scan.flag.oN": {
		"write nmap's normal output (Nmap scan report, Host is up, Not shown, PORT STATE SERVICE) to `FILE` (- for stdout)",
		"escribir la salida normal de nmap (Nmap scan report, Host is up, Not shown, PORT STATE SERVICE) en `ARCHIVO` (- para stdout)",
	},
	"scan.flag.banner": {
		"read what open ports send first",
		"leer lo primero que envían los puertos abiertos",
	},
	"scan.flag.maxHosts": {
		"refuse targets holding more hosts than this",
		"rechazar objetivos con más hosts que este número",
	},
	"scan.flag.netns": {
		"Linux: probe from the network namespace at `PATH` (needs CAP_SYS_ADMIN)",
		"Linux: sondear desde el espacio de nombres de red en `RUTA` (necesita CAP_SYS_ADMIN)",
	},
	"scan.flag.topPorts": {
		"scan the `N` ports nmap's frequency table (nmap-services) lists as most often open, as nmap's --top-ports",
		"escanear los `N` puertos que la tabla de frecuencias de nmap (nmap-services) da como abiertos más a menudo, como el --top-ports de nmap",
	},
	"scan.flag.open": {
		"show only open ports, and only hosts with one, in every output, as nmap's --open (XML keeps the others as extraports; the summary and --resume still count every probe)",
		"mostrar solo los puertos abiertos, y solo los hosts que tienen alguno, en todas las salidas, como el --open de nmap (el XML guarda los demás como extraports; el resumen y --resume siguen contando todos los sondeos)",
	},
	"scan.flag.oA": {
		"write `BASE`.nmap, BASE.xml and BASE.gnmap, as nmap does, and BASE.jsonl",
		"escribir `BASE`.nmap, BASE.xml y BASE.gnmap, como nmap, y BASE.jsonl",
	},
	"scan.flag.F": {
		"fast scan: the 100 ports nmap's frequency table ranks first, as nmap's -F (--top-ports 100)",
		"escaneo rápido: los 100 primeros puertos de la tabla de frecuencias de nmap, como el -F de nmap (--top-ports 100)",
	},
	"scan.flag.excludePorts": {
		"do not probe these `PORTS` (nmap's --exclude-ports; with --top-ports and -F, the top N of the others)",
		"no sondear estos `PUERTOS` (el --exclude-ports de nmap; con --top-ports y -F, los N primeros de los demás)",
	},
	"scan.flag.reason": {
		"show why each port has its state: a REASON column in -oN (JSON Lines and XML always carry it)",
		"mostrar por qué cada puerto tiene su estado: una columna REASON en -oN (JSON Lines y XML siempre la llevan)",
	},
	"scan.flag.6": {
		"IPv6 scan, as nmap's -6: names resolve to their IPv6 addresses; IPv4 targets are refused",
		"escaneo IPv6, como el -6 de nmap: los nombres se resuelven a sus direcciones IPv6; los objetivos IPv4 se rechazan",
	},
	"scan.flag.n": {
		"accepted for nmap compatibility: netstar scan never does reverse DNS",
		"se acepta por compatibilidad con nmap: netstar scan nunca hace DNS inverso",
	},
	"scan.flag.sT": {
		"accepted for nmap compatibility: netstar scan is a TCP connect scan",
		"se acepta por compatibilidad con nmap: netstar scan es un escaneo TCP connect",
	},
	"scan.flag.Pn": {
		"skip host discovery and scan every target, as nmap's -Pn (by default hosts are first asked by ARP on an attached segment when root, else pinged by TCP connect to 80 and 443 and, as root, by ICMP echo; hosts found down are not scanned)",
		"saltar el descubrimiento de hosts y escanear todos los objetivos, como el -Pn de nmap (por omisión, a los hosts se les pregunta antes por ARP en un segmento conectado si se es root, y si no se les hace ping con TCP connect a 80 y 443 y, como root, con ICMP echo; los hosts caídos no se escanean)",
	},
	"scan.flag.sn": {
		"host discovery only, as nmap's -sn: no port scan",
		"solo descubrimiento de hosts, como el -sn de nmap: sin escaneo de puertos",
	},
	"scan.flag.disableArpPing": {
		"discovery asks no host by ARP (as nmap's option): hosts on the segment get ICMP echo (as root) and TCP pings too",
		"el descubrimiento no pregunta a ningún host por ARP (como la opción de nmap): los hosts del segmento reciben ICMP echo (como root) y pings TCP también",
	},
	"scan.flag.unprivileged": {
		"discover as nmap does without root, even as root: TCP connect pings to 80 and 443 only, no ARP, no ICMP echo",
		"descubrir como nmap sin root, aun siendo root: solo pings TCP connect a 80 y 443, sin ARP ni ICMP echo",
	},
	"scan.flag.maxRetries": {
		"nmap's name for --retries",
		"el nombre de nmap para --retries",
	},
	"scan.flag.minRttTimeout": {
		"the shortest probe timeout a host's round-trip time can give, as nmap's --min-rtt-timeout (`SECONDS` or a duration; default 100ms)",
		"el tiempo de espera más corto que puede dar el tiempo de ida y vuelta de un host, como el --min-rtt-timeout de nmap (`SEGUNDOS` o una duración; por omisión 100ms)",
	},
	"scan.flag.initialRttTimeout": {
		"how long a probe of a host that has not answered yet waits, as nmap's --initial-rtt-timeout (`SECONDS` or a duration; default --timeout)",
		"cuánto espera un sondeo a un host que aún no ha respondido, como el --initial-rtt-timeout de nmap (`SEGUNDOS` o una duración; por omisión --timeout)",
	},
	"scan.flag.maxRttTimeout": {
		"the longest any probe waits, as nmap's --max-rtt-timeout (`SECONDS` or a duration; default --timeout)",
		"lo más que espera cualquier sondeo, como el --max-rtt-timeout de nmap (`SEGUNDOS` o una duración; por omisión --timeout)",
	},
	"scan.flag.hostTimeout": {
		"give up on a host this long after its first probe, as nmap's --host-timeout (`SECONDS` or a duration): its undecided ports are recorded filtered, reason host-timeout",
		"abandonar un host este tiempo después de su primer sondeo, como el --host-timeout de nmap (`SEGUNDOS` o una duración): sus puertos sin decidir se registran filtrados, con motivo host-timeout",
	},
	"scan.flag.minRate": {
		"keep at least this many probes a second in flight, as nmap's --min-rate (the window is not cut below it; --max-concurrency still caps it)",
		"mantener al menos estos sondeos por segundo en vuelo, como el --min-rate de nmap (la ventana no baja de ahí; --max-concurrency sigue siendo el tope)",
	},
	"scan.flag.maxRate": {
		"nmap's name for --rate",
		"el nombre de nmap para --rate",
	},
	"scan.flag.minHostgroup": {
		"accepted for nmap compatibility, without effect: netstar scan interleaves every host, each with its own timing",
		"se acepta por compatibilidad con nmap, sin efecto: netstar scan intercala todos los hosts, cada uno con sus propios tiempos",
	},
	"scan.flag.maxHostgroup": {
		"accepted for nmap compatibility, without effect: netstar scan interleaves every host, each with its own timing",
		"se acepta por compatibilidad con nmap, sin efecto: netstar scan intercala todos los hosts, cada uno con sus propios tiempos",
	},
	"scan.locked": {
		"%[1]s %[2]s: another netstar scan is writing to %[2]s (the file is locked): wait for it to finish, or choose another file",
		"%[1]s %[2]s: otro netstar scan está escribiendo en %[2]s (el archivo está bloqueado): espera a que termine, o elige otro archivo",
	},
	"scan.interruptedReading": {
		"interrupted while reading the targets; nothing probed",
		"interrumpido mientras leía los objetivos; no se ha sondeado nada",
	},
	"scan.shardNeedsSeed": {
		"--shard %s needs --seed: every shard must walk the same seeded order, or probes are lost and repeated",
		"--shard %s necesita --seed: todos los fragmentos deben recorrer el mismo orden con semilla, o se pierden sondeos y se repiten otros",
	},
	"scan.resumeIsOutput": {
		"--resume %s is also an output file: the checkpoint needs its own file",
		"--resume %s es también un archivo de salida: el punto de control necesita su propio archivo",
	},
	"scan.sameOutput": {
		"%s and %s both name %s: each output needs its own file",
		"%s y %s nombran los dos %s: cada salida necesita su propio archivo",
	},
	"scan.resumeOtherArgs": {
		"--resume %s: the checkpoint was written by a scan with other arguments, so it cannot be continued:\n  checkpoint: %s\n  this scan:  %s\nrun with the same targets, ports, seed, shard, timeout, retries and banner, or give another --resume file to start over",
		"--resume %s: el punto de control lo escribió un escaneo con otros argumentos, así que no se puede continuar:\n  punto de control: %s\n  este escaneo:     %s\nejecuta con los mismos objetivos, puertos, semilla, fragmento, timeout, reintentos y banner, o da otro archivo --resume para empezar de cero",
	},
	"scan.resumeOtherCount": {
		"--resume %s: the checkpoint counts %d probes, this scan %d (do the same target names resolve now?)",
		"--resume %s: el punto de control cuenta %d sondeos, este escaneo %d (¿se resuelven ahora los mismos nombres de objetivo?)",
	},
	"scan.recordOtherSeed": {
		"position %d is recorded with seed %d shard %q, but the checkpoint is seed %d shard %q",
		"la posición %d está registrada con semilla %d fragmento %q, pero el punto de control es de semilla %d fragmento %q",
	},
	"scan.recordNotWalk": {
		"position %d holds %s port %d, but the walk probes %s port %d there",
		"la posición %d tiene %s puerto %d, pero el recorrido sondea ahí %s puerto %d",
	},
	"scan.recordPastEnd": {
		"position %d is past the end of the walk (%d probes)",
		"la posición %d está más allá del final del recorrido (%d sondeos)",
	},
	"scan.noteDropped": {
		"line %d: %s: dropped",
		"línea %d: %s: descartado",
	},
	"scan.noteTwice": {
		"line %d: position %d recorded twice: the first record is kept",
		"línea %d: posición %d registrada dos veces: se conserva el primer registro",
	},
	"scan.noteMarkClaims": {
		"line %d: the mark says every probe below position %d is recorded, but only %d valid records are there (records deleted or dropped?)",
		"línea %d: la marca dice que están registrados todos los sondeos por debajo de la posición %d, pero solo hay %d registros válidos (¿registros borrados o descartados?)",
	},
	"scan.noteMarkCount": {
		"line %d: the mark counts %d records before it, but %d valid ones are there (records deleted or dropped?)",
		"línea %d: la marca cuenta %d registros antes de ella, pero hay %d válidos (¿registros borrados o descartados?)",
	},
	"scan.repairTooLarge": {
		"--resume %s: the checkpoint is damaged, and its walk of %d probes is too large to repair (at most %d): give another --resume file to start over",
		"--resume %s: el punto de control está dañado, y su recorrido de %d sondeos es demasiado grande para repararlo (como mucho %d): da otro archivo --resume para empezar de cero",
	},
	"scan.incomplete": {
		"the walk ended with %d of %d probes recorded (%d skipped as down): run the same command with --resume to probe the rest",
		"el recorrido terminó con %d de %d sondeos registrados (%d saltados por caídos): ejecuta la misma orden con --resume para sondear el resto",
	},
	"scan.err.twoP": {
		"-p %s -p %s: Only 1 -p option allowed, separate multiple ranges with commas (as nmap: -p %s)",
		"-p %s -p %s: solo se admite una opción -p; separa varios rangos con comas (como en nmap: -p %s)",
	},
	"scan.err.oAWithOthers": {
		"-oA %s names all the outputs: give either -oA or -oN/-oX/-oG/-oJ",
		"-oA %s nombra todas las salidas: da -oA o bien -oN/-oX/-oG/-oJ",
	},
	"scan.err.oAStdout": {
		"-oA -: -oA needs a file name base (BASE.nmap, BASE.xml, BASE.gnmap, BASE.jsonl)",
		"-oA -: -oA necesita una base de nombre de archivo (BASE.nmap, BASE.xml, BASE.gnmap, BASE.jsonl)",
	},
	"scan.err.shardNoIndex": {
		"--shard %s: the shard index comes from JOB_COMPLETION_INDEX, which is not set (write --shard I%s)",
		"--shard %s: el índice del fragmento sale de JOB_COMPLETION_INDEX, que no está definida (escribe --shard I%s)",
	},
	"scan.err.seed": {
		"--seed %q: want a whole number from 0 to %d",
		"--seed %q: se espera un número entero de 0 a %d",
	},
	"scan.err.maxRateAndRate": {
		"--max-rate %v and --rate %v: give one",
		"--max-rate %v y --rate %v: da solo uno",
	},
	"scan.err.rate": {
		"--rate %v: want probes per second >= 0 (0: no cap)",
		"--rate %v: se esperan sondeos por segundo >= 0 (0: sin límite)",
	},
	"scan.err.maxRetriesAndRetries": {
		"--max-retries %d and --retries %d: give one",
		"--max-retries %d y --retries %d: da solo uno",
	},
	"scan.err.retries": {
		"--retries %d: want 0-100",
		"--retries %d: se espera 0-100",
	},
	"scan.err.PnAndSn": {
		"-Pn and -sn: give one (-Pn skips discovery, -sn does only discovery)",
		"-Pn y -sn: da solo uno (-Pn se salta el descubrimiento, -sn solo hace descubrimiento)",
	},
	"scan.err.initialAboveMax": {
		"--initial-rtt-timeout %v is above --max-rtt-timeout %v",
		"--initial-rtt-timeout %v es mayor que --max-rtt-timeout %v",
	},
	"scan.err.minRate": {
		"--min-rate %v: want probes per second >= 0",
		"--min-rate %v: se esperan sondeos por segundo >= 0",
	},
	"scan.err.minRateAboveMax": {
		"--min-rate %v is above --max-rate %v",
		"--min-rate %v es mayor que --max-rate %v",
	},
	"scan.err.maxConcurrency": {
		"--max-concurrency %d: want at least 1",
		"--max-concurrency %d: se espera al menos 1",
	},
	"scan.err.FAndP": {
		"-F and -p both choose the ports: give one of them (nmap: You cannot use -F (fast scan) with -p (explicit port selection))",
		"-F y -p eligen los dos los puertos: da solo uno (nmap: You cannot use -F (fast scan) with -p (explicit port selection))",
	},
	"scan.err.FAndTopPorts": {
		"-F (--top-ports 100) and --top-ports both choose the ports: give one of them",
		"-F (--top-ports 100) y --top-ports eligen los dos los puertos: da solo uno",
	},
	"scan.err.topPortsAndP": {
		"--top-ports %d and -p both choose the ports: give one of them",
		"--top-ports %d y -p eligen los dos los puertos: da solo uno",
	},
	"scan.err.noPortLeft": {
		"--exclude-ports %s leaves no port to scan",
		"--exclude-ports %s no deja ningún puerto que escanear",
	},
	"scan.err.noTargets": {
		"no targets: name them as arguments or with -iL FILE",
		"no hay objetivos: nómbralos como argumentos o con -iL ARCHIVO",
	},
	"scan.err.ipv4With6": {
		"-6: %s is an IPv4 target: -6 scans IPv6 addresses only (scan it without -6)",
		"-6: %s es un objetivo IPv4: -6 solo escanea direcciones IPv6 (escanéalo sin -6)",
	},
	"scan.err.excludeName": {
		"exclude %q: host names cannot be excluded, only addresses, ranges and CIDR blocks",
		"exclude %q: no se pueden excluir nombres de host, solo direcciones, rangos y bloques CIDR",
	},
	"scan.err.twoStdin": {
		"-iL - and --exclude-file - cannot both read stdin",
		"-iL - y --exclude-file - no pueden leer los dos de stdin",
	},
	"scan.err.twoStdout": {
		"%s - and %s - both write to stdout: give one of them a file",
		"%s - y %s - escriben los dos en stdout: da un archivo a uno de ellos",
	},
	"scan.err.twoTemplates": {
		"-T%d and -T%d: give one timing template",
		"-T%d y -T%d: da una sola plantilla de tiempos",
	},
	"scan.interruptedOpening": {
		"interrupted while opening the outputs (a FIFO waits for its reader); nothing probed",
		"interrumpido mientras abría las salidas (un FIFO espera a su lector); no se ha sondeado nada",
	},
	"scan.interruptedResolving": {
		"interrupted while resolving names; nothing probed",
		"interrumpido mientras resolvía nombres; no se ha sondeado nada",
	},
	"scan.interruptedResume": {
		"interrupted; run the same command with --resume %s to continue",
		"interrumpido; ejecuta la misma orden con --resume %s para continuar",
	},
	"scan.interruptedNoResume": {
		"interrupted (no --resume checkpoint: a rerun starts over)",
		"interrumpido (sin punto de control --resume: otra ejecución empieza de cero)",
	},
	"scan.seeHelp": {
		"run 'netstar scan -h' for the options",
		"ejecuta 'netstar scan -h' para ver las opciones",
	},
	"scan.resumeNotRegular": {
		"not a regular file (a checkpoint is a file netstar rewrites)",
		"no es un archivo normal (un punto de control es un archivo que netstar reescribe)",
	},
	"scan.resumeWarning": {
		"warning: --resume %s: %s",
		"aviso: --resume %s: %s",
	},
	"scan.resumeMoreDropped": {
		"warning: --resume %s: and %d more records dropped",
		"aviso: --resume %s: y %d registros descartados más",
	},
	"scan.resuming": {
		"resuming from %s: %d of %d probes recorded",
		"reanudando desde %s: %d de %d sondeos registrados",
	},
	"scan.resumingRepaired": {
		"resuming from %s: %d of %d probes recorded (%d dropped); the missing %d are probed again",
		"reanudando desde %s: %d de %d sondeos registrados (%d descartados); los %d que faltan se sondean de nuevo",
	},
	"scan.complete": {
		"%s records a complete scan: outputs rewritten, nothing probed",
		"%s registra un escaneo completo: salidas reescritas, nada sondeado",
	},
	"scan.budget": {
		"target %q: the targets hold more than %d hosts in all (--max-hosts); raise --max-hosts to scan them",
		"objetivo %q: los objetivos suman más de %d hosts (--max-hosts); sube --max-hosts para escanearlos",
	},
}
