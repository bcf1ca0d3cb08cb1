// Command pecheck checks that a Windows executable is what `make
// package-windows` promises, without running it (Wine cannot run Go's
// Windows binaries here): a PE32+ amd64 image for the GUI subsystem (no
// console window), with an icon group, version information and an
// application manifest among its resources, importing only DLLs every
// Windows has (no MinGW runtime DLL to ship alongside). With -console it
// wants the console subsystem instead (rosterdesk-cli.exe).
//
//	go run ./scripts/pecheck [-version 0.1.0.42] [-icons 16,32,256] [-console] [-signed] dist/RosterDesk.exe
//
// It prints what it found and exits 1 when a check fails.
package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

func main() {
	version := flag.String("version", "", "the FILEVERSION the version resource must carry, e.g. 0.1.0.42")
	icons := flag.String("icons", "", "comma-separated icon sizes the icon group must hold, e.g. 16,32,256")
	signed := flag.Bool("signed", false, "require an Authenticode signature")
	console := flag.Bool("console", false, "require the console subsystem (a command-line build) instead of the GUI one")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: pecheck [-version A.B.C.D] [-icons 16,32,...] [-console] [-signed] FILE.exe")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var sizes []int
	for _, s := range strings.Split(*icons, ",") {
		if s = strings.TrimSpace(s); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				fmt.Fprintln(os.Stderr, "pecheck: bad -icons:", err)
				os.Exit(2)
			}
			sizes = append(sizes, n)
		}
	}
	rep, err := Check(flag.Arg(0), Want{Version: *version, IconSizes: sizes, Signed: *signed, Console: *console})
	fmt.Print(rep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pecheck:", err)
		os.Exit(1)
	}
}

// Want is what Check requires beyond the fixed checks.
type Want struct {
	Version   string // FILEVERSION "a.b.c.d"; "" accepts any
	IconSizes []int  // sizes the icon group must contain; nil accepts any
	Signed    bool   // an Authenticode signature must be attached
	Console   bool   // the console subsystem instead of the Windows GUI one
}

// Report is what Check found.
type Report struct {
	File      string
	PE32Plus  bool
	Machine   uint16
	Subsystem uint16
	Imports   []string
	IconSizes []int // of the first icon group
	IconGroup string
	Version   string // FILEVERSION
	Strings   map[string]string
	Manifest  string
	Signed    bool // has an Authenticode signature (not checked for trust)
}

func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: PE32+ %v, machine %#x, subsystem %d (%s)\n", r.File, r.PE32Plus, r.Machine, r.Subsystem, subsystemName(r.Subsystem))
	fmt.Fprintf(&b, "  icon group %q: %v px\n", r.IconGroup, r.IconSizes)
	fmt.Fprintf(&b, "  version %s; ProductName %q, FileDescription %q, ProductVersion %q\n", r.Version,
		r.Strings["ProductName"], r.Strings["FileDescription"], r.Strings["ProductVersion"])
	fmt.Fprintf(&b, "  manifest: %d bytes\n", len(r.Manifest))
	fmt.Fprintf(&b, "  imports: %s\n", strings.Join(r.Imports, " "))
	fmt.Fprintf(&b, "  Authenticode signature: %v\n", r.Signed)
	return b.String()
}

func subsystemName(s uint16) string {
	switch s {
	case pe.IMAGE_SUBSYSTEM_WINDOWS_GUI:
		return "Windows GUI"
	case pe.IMAGE_SUBSYSTEM_WINDOWS_CUI:
		return "console"
	}
	return "other"
}

// systemDLLs are DLLs every supported Windows has. A MinGW runtime DLL
// (libgcc_s_seh-1.dll, libwinpthread-1.dll, libssp-0.dll) would have to ship
// next to the .exe, so it fails the check.
var systemDLLs = []string{"advapi32.dll", "bcrypt.dll", "bcryptprimitives.dll", "comctl32.dll", "comdlg32.dll",
	"crypt32.dll", "d3d11.dll", "dwmapi.dll", "dxgi.dll", "gdi32.dll", "imm32.dll", "iphlpapi.dll", "kernel32.dll",
	"msvcrt.dll", "ntdll.dll", "ole32.dll", "oleaut32.dll", "opengl32.dll", "powrprof.dll", "secur32.dll",
	"setupapi.dll", "shcore.dll", "shell32.dll", "shlwapi.dll", "user32.dll", "userenv.dll", "uxtheme.dll",
	"version.dll", "winmm.dll", "winspool.drv", "ws2_32.dll", "xinput1_4.dll"}

// Check opens path and runs every check; the error lists all that failed.
func Check(path string, want Want) (*Report, error) {
	f, err := pe.Open(path)
	if err != nil {
		return &Report{File: path}, fmt.Errorf("not a PE executable: %w", err)
	}
	defer f.Close()
	r := &Report{File: path, Machine: f.Machine, Strings: map[string]string{}}
	var fails []string
	fail := func(format string, a ...any) { fails = append(fails, fmt.Sprintf(format, a...)) }

	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		fail("machine %#x, want amd64 (%#x)", f.Machine, pe.IMAGE_FILE_MACHINE_AMD64)
	}
	if f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || f.Characteristics&pe.IMAGE_FILE_DLL != 0 {
		fail("not an executable image (characteristics %#x)", f.Characteristics)
	}
	var dirs []pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		r.PE32Plus = oh.Magic == 0x20b
		r.Subsystem = oh.Subsystem
		dirs = oh.DataDirectory[:oh.NumberOfRvaAndSizes]
	case *pe.OptionalHeader32:
		r.Subsystem = oh.Subsystem
		dirs = oh.DataDirectory[:oh.NumberOfRvaAndSizes]
	}
	if !r.PE32Plus {
		fail("not PE32+ (64-bit)")
	}
	if want.Console {
		if r.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
			fail("subsystem %d (%s), want console: a command line would not wait for it or show its output", r.Subsystem, subsystemName(r.Subsystem))
		}
	} else if r.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		fail("subsystem %d (%s), want Windows GUI: a console window would open (link with -H windowsgui)", r.Subsystem, subsystemName(r.Subsystem))
	}

	// debug/pe's ImportedLibraries is not implemented; the symbols name their DLL.
	syms, err := f.ImportedSymbols()
	if err != nil {
		fail("imports unreadable: %v", err)
	}
	for _, s := range syms {
		_, dll, ok := strings.Cut(s, ":")
		if dll = strings.ToLower(dll); ok && !slices.Contains(r.Imports, dll) {
			r.Imports = append(r.Imports, dll)
			if !slices.Contains(systemDLLs, dll) {
				fail("imports %s, which is not part of Windows", dll)
			}
		}
	}
	if len(r.Imports) == 0 {
		fail("imports no DLL at all: not a Windows program")
	}
	slices.Sort(r.Imports)

	r.Signed = len(dirs) > pe.IMAGE_DIRECTORY_ENTRY_SECURITY && dirs[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].Size > 0
	if want.Signed && !r.Signed {
		fail("not signed")
	}

	if len(dirs) <= pe.IMAGE_DIRECTORY_ENTRY_RESOURCE || dirs[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE].Size == 0 {
		fail("no resources: no icon, version information or manifest")
		return r, joinFails(fails)
	}
	rd := dirs[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
	res, err := readResources(f, rd.VirtualAddress)
	if err != nil {
		fail("resources unreadable: %v", err)
		return r, joinFails(fails)
	}

	// Icons: the first group, and every image it names must exist.
	groups := res.of(rtGroupIcon)
	if len(groups) == 0 {
		fail("no icon group (RT_GROUP_ICON): Explorer would show a generic icon")
	} else {
		g := groups[0]
		r.IconGroup = g.name
		icons := map[string]bool{}
		for _, ic := range res.of(rtIcon) {
			icons[ic.name] = true
		}
		d := g.data
		if len(d) < 6 || binary.LittleEndian.Uint16(d[2:]) != 1 {
			fail("icon group %s is malformed", g.name)
		} else {
			n := int(binary.LittleEndian.Uint16(d[4:]))
			for i := 0; i < n && 6+14*i+14 <= len(d); i++ {
				e := d[6+14*i:]
				w := int(e[0])
				if w == 0 {
					w = 256
				}
				r.IconSizes = append(r.IconSizes, w)
				if id := strconv.Itoa(int(binary.LittleEndian.Uint16(e[12:]))); !icons[id] {
					fail("icon group %s names icon %s, which is missing", g.name, id)
				}
			}
		}
		for _, s := range want.IconSizes {
			if !slices.Contains(r.IconSizes, s) {
				fail("icon group %s has no %d px image (has %v)", g.name, s, r.IconSizes)
			}
		}
	}

	// Version information.
	if vs := res.of(rtVersion); len(vs) == 0 {
		fail("no version information (RT_VERSION)")
	} else {
		d := vs[0].data
		i := bytes.Index(d, []byte{0xbd, 0x04, 0xef, 0xfe}) // VS_FIXEDFILEINFO signature
		if i < 0 || i+16 > len(d) {
			fail("version information has no fixed part")
		} else {
			ms, ls := binary.LittleEndian.Uint32(d[i+8:]), binary.LittleEndian.Uint32(d[i+12:])
			r.Version = fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
		}
		r.Strings = versionStrings(d)
		if want.Version != "" && r.Version != want.Version {
			fail("file version %s, want %s", r.Version, want.Version)
		}
		if r.Strings["ProductName"] == "" || r.Strings["ProductVersion"] == "" {
			fail("version information lacks ProductName or ProductVersion")
		}
	}

	// Manifest.
	if ms := res.of(rtManifest); len(ms) == 0 {
		fail("no application manifest (RT_MANIFEST)")
	} else {
		r.Manifest = string(ms[0].data)
		if !strings.Contains(r.Manifest, "<assembly") {
			fail("the manifest is not an assembly manifest")
		}
	}
	return r, joinFails(fails)
}

func joinFails(fails []string) error {
	if len(fails) == 0 {
		return nil
	}
	return errors.New(strings.Join(fails, "; "))
}

// resource is one leaf of the resource tree: type / name / language.
type resource struct {
	typ  string // "14" or a name
	name string
	data []byte
}

type resources []resource

func (rs resources) of(typ int) []resource {
	var out []resource
	for _, r := range rs {
		if r.typ == strconv.Itoa(typ) {
			out = append(out, r)
		}
	}
	return out
}

// image reads the loaded image's bytes at an RVA.
type image struct{ f *pe.File }

func (im image) at(rva, n uint32) ([]byte, error) {
	for _, s := range im.f.Sections {
		if rva >= s.VirtualAddress && rva+n <= s.VirtualAddress+max(s.VirtualSize, s.Size) {
			b := make([]byte, n)
			if _, err := s.ReadAt(b, int64(rva-s.VirtualAddress)); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("RVA %#x (+%d) is in no section", rva, n)
}

// readResources walks the three-level resource directory at rva.
func readResources(f *pe.File, root uint32) (resources, error) {
	im := image{f}
	var out resources
	type entry struct {
		id    string
		off   uint32
		isDir bool
	}
	dir := func(off uint32) ([]entry, error) {
		h, err := im.at(root+off, 16)
		if err != nil {
			return nil, err
		}
		n := uint32(binary.LittleEndian.Uint16(h[12:])) + uint32(binary.LittleEndian.Uint16(h[14:]))
		if n > 4096 {
			return nil, fmt.Errorf("resource directory with %d entries", n)
		}
		b, err := im.at(root+off+16, 8*n)
		if err != nil {
			return nil, err
		}
		es := make([]entry, n)
		for i := range es {
			nameID, data := binary.LittleEndian.Uint32(b[8*i:]), binary.LittleEndian.Uint32(b[8*i+4:])
			if nameID&0x80000000 != 0 { // a name: length-prefixed UTF-16
				l, err := im.at(root+nameID&0x7fffffff, 2)
				if err != nil {
					return nil, err
				}
				s, err := im.at(root+nameID&0x7fffffff+2, 2*uint32(binary.LittleEndian.Uint16(l)))
				if err != nil {
					return nil, err
				}
				es[i].id = utf16String(s)
			} else {
				es[i].id = strconv.Itoa(int(nameID))
			}
			es[i].off, es[i].isDir = data&0x7fffffff, data&0x80000000 != 0
		}
		return es, nil
	}
	types, err := dir(0)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if !t.isDir {
			continue
		}
		names, err := dir(t.off)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !n.isDir {
				continue
			}
			langs, err := dir(n.off)
			if err != nil {
				return nil, err
			}
			for _, l := range langs {
				if l.isDir {
					continue
				}
				de, err := im.at(root+l.off, 16) // IMAGE_RESOURCE_DATA_ENTRY: RVA, size, code page, reserved
				if err != nil {
					return nil, err
				}
				data, err := im.at(binary.LittleEndian.Uint32(de), binary.LittleEndian.Uint32(de[4:]))
				if err != nil {
					return nil, err
				}
				out = append(out, resource{typ: t.id, name: n.id, data: data})
			}
		}
	}
	return out, nil
}

func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// versionStrings pulls the StringFileInfo key/value pairs out of a version
// resource: each is a small block of length, value length, type, the
// NUL-terminated UTF-16 key, padding to 4 bytes, then the value.
func versionStrings(d []byte) map[string]string {
	out := map[string]string{}
	for _, key := range []string{"CompanyName", "FileDescription", "FileVersion", "InternalName", "OriginalFilename",
		"ProductName", "ProductVersion", "Comments", "LegalCopyright"} {
		k := utf16Bytes(key + "\x00")
		i := bytes.Index(d, k)
		if i < 6 {
			continue
		}
		valueLen := int(binary.LittleEndian.Uint16(d[i-4:])) // in WCHARs, with the NUL
		j := i + len(k)
		j += (4 - (j % 4)) % 4 // blocks are 4-byte aligned from the resource start
		if valueLen == 0 || j+2*valueLen > len(d) {
			continue
		}
		out[key] = strings.TrimRight(utf16String(d[j:j+2*valueLen]), "\x00")
	}
	return out
}

func utf16Bytes(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
