package io.quarkiverse.socketio.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.quarkus.maven.dependency.ArtifactCoords;
import io.quarkus.registry.Constants;
import io.quarkus.registry.catalog.Extension;
import io.quarkus.registry.catalog.ExtensionCatalog;
import io.quarkus.registry.catalog.ExtensionOrigin;
import io.quarkus.registry.catalog.Platform;
import io.quarkus.registry.catalog.PlatformCatalog;
import io.quarkus.registry.catalog.PlatformRelease;
import io.quarkus.registry.catalog.PlatformReleaseVersion;
import io.quarkus.registry.catalog.PlatformStream;
import io.quarkus.registry.config.RegistryConfig;
import io.quarkus.registry.config.RegistryDescriptorConfig;
import io.quarkus.registry.config.RegistryNonPlatformExtensionsConfig;
import io.quarkus.registry.config.RegistryPlatformsConfig;

/**
 * Writes the files through which Quarkus's tools find the extension by its short name, in the Quarkus registry's
 * formats, with the registry client's own model classes (so that what the client reads is what it would write):
 * <ul>
 * <li>{@value #DESCRIPTOR_FILE}: the registry descriptor, at the coordinates the client derives from the registry's id
 * ({@code <id reversed>:quarkus-registry-descriptor::json:1.0-SNAPSHOT}); it names the two catalogs below.</li>
 * <li>{@value #NON_PLATFORM_FILE}: the non-platform extension catalog for the Quarkus version the extension is built
 * with (its classifier), listing the extension as its {@code META-INF/quarkus-extension.yaml} describes it: the file
 * the extension's build wrote into the runtime jar, read here from the classpath.</li>
 * <li>{@value #PLATFORMS_FILE}: the platform catalog, with one platform, the Quarkus BOM the extension is built with
 * ({@code io.quarkus:quarkus-bom}), so that {@code quarkus create} has a BOM to import when this registry is the only
 * one configured; the BOM's own extension catalog ({@code io.quarkus:quarkus-bom-quarkus-platform-descriptor}) is the
 * one published to Maven Central.</li>
 * </ul>
 * Arguments: the output directory, the registry's group id, the extension's {@code groupId:artifactId}.
 */
public final class RegistryCatalogs {

    static final String DESCRIPTOR_FILE = "quarkus-registry-descriptor.json";
    static final String NON_PLATFORM_FILE = "quarkus-non-platform-extensions.json";
    static final String PLATFORMS_FILE = "quarkus-platforms.json";

    private RegistryCatalogs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("Usage: RegistryCatalogs <output dir> <registry group id> <groupId:artifactId>");
        }
        Path out = Path.of(args[0]);
        String registryGroupId = args[1];
        String[] extensionKey = args[2].split(":");
        Files.createDirectories(out);

        Extension extension = readExtension(extensionKey[0], extensionKey[1]);
        String quarkusVersion = (String) extension.getMetadata().get(Extension.MD_BUILT_WITH_QUARKUS_CORE);
        if (quarkusVersion == null) {
            throw new IllegalStateException(extension.getArtifact() + " names no " + Extension.MD_BUILT_WITH_QUARKUS_CORE);
        }

        ArtifactCoords descriptorCoords = ArtifactCoords.of(registryGroupId, Constants.DEFAULT_REGISTRY_DESCRIPTOR_ARTIFACT_ID,
                null, Constants.JSON, Constants.DEFAULT_REGISTRY_ARTIFACT_VERSION);
        ArtifactCoords platformsCoords = ArtifactCoords.of(registryGroupId,
                Constants.DEFAULT_REGISTRY_PLATFORMS_CATALOG_ARTIFACT_ID, null, Constants.JSON,
                Constants.DEFAULT_REGISTRY_ARTIFACT_VERSION);
        ArtifactCoords nonPlatformCoords = ArtifactCoords.of(registryGroupId,
                Constants.DEFAULT_REGISTRY_NON_PLATFORM_EXTENSIONS_CATALOG_ARTIFACT_ID, null, Constants.JSON,
                Constants.DEFAULT_REGISTRY_ARTIFACT_VERSION);

        RegistryConfig.builder()
                .setId(registryGroupId)
                .setDescriptor(RegistryDescriptorConfig.builder().setArtifact(descriptorCoords).build())
                .setPlatforms(RegistryPlatformsConfig.builder().setArtifact(platformsCoords).build())
                .setNonPlatformExtensions(RegistryNonPlatformExtensionsConfig.builder().setArtifact(nonPlatformCoords).build())
                .build()
                .persist(out.resolve(DESCRIPTOR_FILE));

        // the catalog of the Quarkus version the extension is built with: its classifier is that version
        ArtifactCoords catalogCoords = ArtifactCoords.of(nonPlatformCoords.getGroupId(), nonPlatformCoords.getArtifactId(),
                quarkusVersion, nonPlatformCoords.getType(), nonPlatformCoords.getVersion());
        ExtensionOrigin origin = ExtensionCatalog.builder()
                .setId(catalogCoords.toString())
                .setPlatform(false)
                .build();
        ExtensionCatalog.builder()
                .setId(catalogCoords.toString())
                .setPlatform(false)
                .setQuarkusCoreVersion(quarkusVersion)
                .addExtension(extension.mutable().setOrigins(List.of(origin)).build())
                .persist(out.resolve(NON_PLATFORM_FILE));

        ArtifactCoords bom = ArtifactCoords.pom("io.quarkus", "quarkus-bom", quarkusVersion);
        PlatformRelease release = PlatformRelease.builder()
                .setVersion(PlatformReleaseVersion.fromString(quarkusVersion))
                .setQuarkusCoreVersion(quarkusVersion)
                .setMemberBoms(List.of(bom))
                .build();
        PlatformStream stream = PlatformStream.builder()
                .setId(majorMinor(quarkusVersion))
                .setName("Quarkus " + majorMinor(quarkusVersion))
                .addRelease(release)
                .build();
        Platform platform = Platform.builder()
                .setPlatformKey(bom.getGroupId())
                .setName("Quarkus (the BOM " + extension.getArtifact().getArtifactId() + " is built with)")
                .addStream(stream)
                .build();
        PlatformCatalog.builder()
                .addPlatform(platform)
                .persist(out.resolve(PLATFORMS_FILE));
    }

    /** The extension's metadata as the extension's build wrote it into the runtime jar. */
    private static Extension readExtension(String groupId, String artifactId) throws IOException {
        List<String> seen = new ArrayList<>();
        for (URL url : Collections
                .list(RegistryCatalogs.class.getClassLoader().getResources("META-INF/quarkus-extension.yaml"))) {
            Path yaml = Files.createTempFile("quarkus-extension", ".yaml");
            try (InputStream in = url.openStream()) {
                Files.copy(in, yaml, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Extension extension = Extension.fromFile(yaml);
                ArtifactCoords coords = extension.getArtifact();
                if (coords != null && groupId.equals(coords.getGroupId()) && artifactId.equals(coords.getArtifactId())) {
                    return extension;
                }
                seen.add(String.valueOf(coords));
            } finally {
                Files.delete(yaml);
            }
        }
        throw new IllegalStateException("No META-INF/quarkus-extension.yaml of " + groupId + ":" + artifactId
                + " on the classpath; found " + seen);
    }

    private static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }
}
