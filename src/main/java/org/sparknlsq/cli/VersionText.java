package org.sparknlsq.cli;

import org.sparknlsq.fit.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the library's version. */
final class VersionText implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"spark-nlsq " + Version.current()};
    }
}
